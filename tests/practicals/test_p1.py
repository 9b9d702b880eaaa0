"""Practical 1 runs end to end in fast mode as a notebook: its figures are shown inline
and saved, its outputs hold no noise, and its key numbers are right."""

import json
from pathlib import Path

import jupytext

from dlcourse import practicals
from _notebook import NOISE, execute, outputs_of

FIGURES = [
    "functions.png",
    "step_size_bound.png",
    "zigzag.png",
    "convergence_orders.png",
    "saddle.png",
    "himmelblau_basins.png",
    "classifiers.png",
    "sgd.png",
    "random_products.png",
    "convexity.png",
    "perceptron_forms.png",
    "sgd_theorem.png",
    "lecture_products.png",
]


def test_p1_opens_as_a_notebook_with_markdown_and_a_solution():
    notebook = jupytext.read(Path(practicals.find(1)))
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 8 and kinds.count("code") >= 8
    assert any("solution" in cell.metadata.get("tags", []) for cell in notebook.cells)


def test_p1_as_a_notebook_shows_its_figures_and_no_noise_and_gets_the_numbers(tmp_path):
    """One notebook run serves both checks (the cheapest practical, still 20-40 s)."""
    out = tmp_path
    outputs = outputs_of(execute(practicals.find(1), out))
    saved = sorted(out.glob("*.png"))
    shown = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(shown) >= len(saved) >= len(FIGURES), [p.name for p in saved]
    texts = [o.get("text", "") for o in outputs if o.output_type == "stream"]
    texts += [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    noisy = [t for t in texts if NOISE.search(t)]
    assert not noisy, noisy[:3]
    assert any("Newton order" in t for t in texts)  # The lesson's own prints are there.
    # Cells end without a value to echo (`;` or an assignment): no `Out[...]: PosixPath(...)`.
    echoed = [o["data"].get("text/plain", "") for o in outputs if o.output_type == "execute_result"]
    assert not echoed, echoed

    for name in FIGURES:
        assert (out / name).stat().st_size > 1000, name
    results = json.loads((out / "results.json").read_text())
    assert 1.8 <= results["newton_order"] <= 2.2
    assert abs(results["gd_order"] - 1.0) < 0.05
    assert abs(results["gd_rate"] - 99 / 101) < 1e-9
    assert results["newton_iterations"] < 40 < 1000 < results["gd_iterations"]
    assert results["saddle_escaped"] == {"newton": False, "gd": True, "modified-newton": True}
    assert results["accuracy"]["separable"]["perceptron"] == 1.0
    assert results["accuracy"]["xor"]["logistic"] < 0.75 < results["accuracy"]["xor"]["logistic + RBF"]
    assert results["log10_product_norm"]["0.5"] < -20 < 20 < results["log10_product_norm"]["2.0"]
    assert {n for n, c in results["convex"].items() if c} == {"quadratic", "logistic loss"}
    assert results["stationary_all_global"] == {"quadratic": True, "himmelblau": False}
    assert results["perceptron_converged"]["separable"] == {"batch": True, "online": True}
    assert results["perceptron_converged"]["overlapping"] == {"batch": False, "online": False}
    assert results["sgd_bound_holds"] and results["sgd_slopes"]["sgd_average"] < -0.5
    # The lecture's 4x4 products: about 1e-6 with std 0.5, beyond 1e20 with std 1.
    assert -8 < results["lecture_products"]["0.5"] < -4 and results["lecture_products"]["1"] > 20
