#!/usr/bin/env bash
# The main job: train the course's flagship model on real data, evaluate it on the test
# split, export it as a SavedModel, and classify a few test images through the export.
set -euo pipefail
dataset=fashion_mnist
if ! dlcourse datasets | grep -qE '^fashion_mnist +images +yes'; then
  echo "Fashion-MNIST is not on this machine: training on scikit-learn's 8x8 digits instead."
  dataset=digits
fi
model_dir=saved_models/mlp_${dataset}
samples=runs/samples/${dataset}

dlcourse train mlp --dataset "$dataset" --run-dir "runs/mlp_${dataset}" --export-dir "$model_dir"
echo
echo "== classifying test images through the exported SavedModel ($model_dir)"
rm -rf "$samples"
dlcourse samples "$dataset" --count 8 --out "$samples" >/dev/null
dlcourse predict "$model_dir" "$samples"/*.png
echo
echo "curves: runs/mlp_${dataset}/curves.png   metrics: runs/mlp_${dataset}/metrics.json   TensorBoard: tensorboard --logdir runs/mlp_${dataset}/logs"
