"""Weight initialisers as plain functions `init(shape, rng) -> float64 array`. Mirror `keras.initializers`.

For a kernel of shape (fan_in, fan_out) (for convolutions (kh, kw, c_in, c_out):
fan_in = kh * kw * c_in, fan_out = kh * kw * c_out), each initialiser targets a variance:

    zeros             W = 0                                   Var = 0
    constant          W = value                               Var = 0   (symmetry never broken)
    uniform           W ~ U(-limit, limit), limit = 0.05      Var = limit**2 / 3
    normal            W ~ N(0, stddev**2), stddev = 0.05      Var = stddev**2
    lecun_uniform     U(-a, a), a = sqrt(3 / fan_in)          Var = 1 / fan_in
    lecun_normal      truncated N, see below                  Var = 1 / fan_in
    glorot_uniform    U(-a, a), a = sqrt(6 / (fan_in + fan_out))   Var = 2 / (fan_in + fan_out)
    glorot_normal     truncated N                             Var = 2 / (fan_in + fan_out)
    he_uniform        U(-a, a), a = sqrt(6 / fan_in)          Var = 2 / fan_in
    he_normal         truncated N                             Var = 2 / fan_in

The fan-in scaled ones keep Var(A x) = fan_in * Var(W) * E[x**2] constant from layer to
layer (LeCun 1998); Glorot & Bengio (2010) average fan_in and fan_out so gradients keep
their variance too; He et al. (2015) double it because ReLU zeroes half its inputs.
`*_normal` follow Keras: a normal truncated at 2 standard deviations, with the standard
deviation divided by 0.8796... (the std of a standard normal truncated at +-2) so the
variance still equals the target. `uniform` and `normal` use the defaults of
`keras.initializers.RandomUniform` and `RandomNormal`.

Example:

    rng = np.random.default_rng(0)
    w = initializers.get("he_normal")((784, 64), rng)
"""

import functools

import numpy as np

from dlcourse.errors import DLCourseError

# Standard deviation of a standard normal truncated to [-2, 2] (Keras' constant).
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape):
    """(fan_in, fan_out) for a kernel shape, the way Keras computes them."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _truncated_normal(shape, rng, stddev):
    # Redraw every sample outside [-2, 2] until none is left.
    out = rng.standard_normal(shape)
    outside = np.abs(out) > 2.0
    while np.any(outside):
        out[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(out) > 2.0
    return out * stddev


def zeros(shape, rng=None):
    """W = 0 everywhere. Mirrors `keras.initializers.Zeros`."""
    return np.zeros(shape, dtype=np.float64)


def constant(shape, rng=None, value=0.05):
    """W = value everywhere. Mirrors `keras.initializers.Constant`."""
    return np.full(shape, float(value), dtype=np.float64)


def uniform(shape, rng=None, limit=0.05):
    """W ~ U(-limit, limit), a fixed scale. Mirrors `keras.initializers.RandomUniform`."""
    return _rng(rng).uniform(-limit, limit, size=shape)


def normal(shape, rng=None, stddev=0.05):
    """W ~ N(0, stddev**2), a fixed scale. Mirrors `keras.initializers.RandomNormal`."""
    return _rng(rng).normal(0.0, stddev, size=shape)


def variance_scaling(shape, rng=None, scale=1.0, mode="fan_in", distribution="uniform"):
    """Var(W) = scale / n with n = fan_in, fan_out or their mean. Mirrors `keras.initializers.VarianceScaling`.

    Args:
        shape: the kernel shape.
        rng: a `np.random.Generator` or an integer seed.
        scale: the numerator of the target variance.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "uniform" or "truncated_normal".

    Returns:
        A float64 array of `shape`.
    """
    fan_in, fan_out = compute_fans(shape)
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
    if mode not in fans or distribution not in ("uniform", "truncated_normal"):
        raise DLCourseError(
            "`mode` must be fan_in, fan_out or fan_avg and `distribution` uniform or truncated_normal. "
            f"Received: mode={mode!r}, distribution={distribution!r}"
        )
    variance = scale / max(1.0, fans[mode])
    if distribution == "uniform":
        limit = np.sqrt(3.0 * variance)
        return _rng(rng).uniform(-limit, limit, size=shape)
    return _truncated_normal(shape, _rng(rng), np.sqrt(variance) / _TRUNCATED_STD)


def _scaled(name, scale, mode, distribution, variance_text):
    def init(shape, rng=None):
        return variance_scaling(shape, rng, scale=scale, mode=mode, distribution=distribution)

    init.__name__ = init.__qualname__ = name
    init.__doc__ = f"{variance_text}, {distribution}. Mirrors `keras.initializers.{name}`."
    return init


lecun_uniform = _scaled("lecun_uniform", 1.0, "fan_in", "uniform", "Var = 1 / fan_in")
lecun_normal = _scaled("lecun_normal", 1.0, "fan_in", "truncated_normal", "Var = 1 / fan_in")
glorot_uniform = _scaled("glorot_uniform", 1.0, "fan_avg", "uniform", "Var = 2 / (fan_in + fan_out)")
glorot_normal = _scaled("glorot_normal", 1.0, "fan_avg", "truncated_normal", "Var = 2 / (fan_in + fan_out)")
he_uniform = _scaled("he_uniform", 2.0, "fan_in", "uniform", "Var = 2 / fan_in")
he_normal = _scaled("he_normal", 2.0, "fan_in", "truncated_normal", "Var = 2 / fan_in")

_REGISTRY = {
    "zeros": zeros,
    "constant": constant,
    "uniform": uniform,
    "normal": normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
}

ALL_INITIALIZERS = tuple(_REGISTRY)


def get(identifier, **kwargs):
    """The initialiser function for a name, with `kwargs` (e.g. `value=0.5`) bound.

    Args:
        identifier: a name from `ALL_INITIALIZERS`, or a callable `init(shape, rng)`.
        **kwargs: keyword arguments of that initialiser (`value`, `limit`, `stddev`).

    Returns:
        A function `init(shape, rng)` returning a float64 array.
    """
    if callable(identifier):
        return functools.partial(identifier, **kwargs) if kwargs else identifier
    key = str(identifier).lower()
    if key not in _REGISTRY:
        raise DLCourseError(
            f"Unknown initializer {identifier!r}: use one of {', '.join(ALL_INITIALIZERS)}. "
            f"Received: identifier={identifier!r}"
        )
    return functools.partial(_REGISTRY[key], **kwargs) if kwargs else _REGISTRY[key]


def expected_variance(identifier, shape, **kwargs):
    """The variance an initialiser targets for `shape` (the formula in the table above).

    Args:
        identifier: an initialiser name from `ALL_INITIALIZERS`.
        shape: the kernel shape.
        **kwargs: `limit` for uniform, `stddev` for normal (else the defaults).

    Returns:
        A float.
    """
    fan_in, fan_out = compute_fans(shape)
    formulas = {
        "zeros": 0.0,
        "constant": 0.0,
        "uniform": kwargs.get("limit", 0.05) ** 2 / 3.0,
        "normal": kwargs.get("stddev", 0.05) ** 2,
        "lecun_uniform": 1.0 / fan_in,
        "lecun_normal": 1.0 / fan_in,
        "glorot_uniform": 2.0 / (fan_in + fan_out),
        "glorot_normal": 2.0 / (fan_in + fan_out),
        "he_uniform": 2.0 / fan_in,
        "he_normal": 2.0 / fan_in,
    }
    key = str(identifier).lower()
    if key not in formulas:
        raise DLCourseError(
            f"Unknown initializer {identifier!r}: use one of {', '.join(ALL_INITIALIZERS)}. "
            f"Received: identifier={identifier!r}"
        )
    return float(formulas[key])
