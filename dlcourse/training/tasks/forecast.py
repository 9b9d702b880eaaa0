"""The `forecast` task: a window of a series in, the next values out.

    data      data.series_windows(dataset, split, window, horizon): chronological splits,
              scaled with the training stretch's mean and std; test = the final stretch
    build     recipe.build((window, 1), horizon)
    compile   mean squared error on scaled values + MAE
    metrics   test_mae and test_rmse in the series' own units, and the naive and
              seasonal-naive MAE on the same test windows (the forecasts to beat)
    export    serve(window: float32 (batch, window), raw units) -> (batch, horizon), raw
              units: the scaling travels inside the export

Recipe options: `window` and `horizon` (an int, or `{dataset: int}`).
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse import data
from dlcourse.models.forecast_baselines import naive_forecast, seasonal_naive_forecast
from dlcourse.training.tasks._sequence import SequenceInfo, option
from dlcourse.training.tasks.base import Task, check_replicas, register_task


class ForecastTask(Task):
    name = "forecast"
    export_command = None  # Read with tf.saved_model.load(path).serve(windows).

    def data(self, config, strategy=None):
        check_replicas(config, strategy)
        window, horizon = option(config, "window", 24), option(config, "horizon", 1)
        common = dict(window=window, horizon=horizon, batch_size=config.batch_size, seed=config.seed,
                      validation_size=config.validation_size, test_size=option(config, "test_size", 0.1))
        splits = {split: data.series_windows(config.dataset, split, drop_remainder=split == "train" and
                                             strategy is not None, **common)
                  for split in ("train", "validation", "test")}
        parts = data.split_series(config.dataset, config.validation_size, common["test_size"])
        counts = {s: ds.num_windows for s, ds in splits.items()}
        info = SequenceInfo(name=config.dataset, source=data.info(config.dataset).source, num_examples=counts,
                            input_shape=(window, 1), num_classes=horizon, kind="series",
                            details={"window": window, "horizon": horizon, "season": parts.season,
                                     "scaling": splits["train"].scaling, "test_size": common["test_size"]})
        return info, splits

    def compile(self, model, config, make_optimizer):
        model.compile(optimizer=make_optimizer(), loss="mse", metrics=["mae"],
                      steps_per_execution=config.steps_per_execution, jit_compile=config.jit_compile)
        model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        d = info.details
        parts = data.split_series(config.dataset, config.validation_size, d["test_size"])
        windows, targets = parts.windows("test", d["window"], d["horizon"], scaled=False)
        forecast = self.forecast(model, windows[..., 0], d["scaling"])
        mae = lambda f: float(np.mean(np.abs(f - targets)))  # noqa: E731
        result = {"test_mae": mae(forecast), "test_rmse": float(np.sqrt(np.mean((forecast - targets) ** 2))),
                  "naive_mae": mae(naive_forecast(windows, d["horizon"])),
                  "test_windows": int(len(windows))}
        if d["season"] and d["season"] <= d["window"]:
            result["seasonal_naive_mae"] = mae(seasonal_naive_forecast(windows, d["season"], d["horizon"]))
        return result

    @staticmethod
    def forecast(model, windows, scaling):
        """Forecasts in the series' units for raw windows (batch, window), as the export computes."""
        scaled = (np.asarray(windows, np.float32) - scaling["mean"]) / scaling["std"]
        return model.predict(scaled[..., None], verbose=0) * scaling["std"] + scaling["mean"]

    def export(self, model, path, info, config):
        d = info.details
        mean, std = float(d["scaling"]["mean"]), float(d["scaling"]["std"])
        archive = keras.export.ExportArchive()
        archive.track(model)

        @tf.function(input_signature=[tf.TensorSpec([None, d["window"]], tf.float32, name="window")])
        def serve(window):
            scaled = (window - mean) / std
            return model(scaled[..., None], training=False) * std + mean

        archive.add_endpoint("serve", serve)
        archive.write_out(str(path), verbose=False)
        return {"input": {"shape": [None, d["window"]], "dtype": "float32",
                          "meaning": f"the last {d['window']} values of {info.name}, in its own units"},
                "output": {"shape": [None, d["horizon"]], "meaning": "the next values, in the same units"},
                "scaling": {"mean": mean, "std": std, "inside": "(window - mean) / std in, * std + mean out"},
                "signature": "serve", "endpoints": ["serve"]}


register_task(ForecastTask())
