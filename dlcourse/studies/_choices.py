"""What the optimiser studies share: checking a list of names, and one learning rate per name.

    names("sgd,adam", OPTIMIZER_NAMES, "optimizers")        -> ["sgd", "adam"]
    learning_rates(["sgd", "adam"], None, DEFAULTS)          -> the defaults of both
    learning_rates(["sgd", "adam"], 0.1, DEFAULTS)           -> 0.1 for both
    learning_rates(["sgd", "adam"], {"sgd": 0.5}, DEFAULTS)  -> 0.5 for sgd, adam's default
"""

from dlcourse.errors import DLCourseError


def names(given, valid, what):
    """`given` (a sequence, or one comma-separated string) as a list of known, distinct names."""
    given = given.split(",") if isinstance(given, str) else given  # "sgd,adam" from a command line
    given = [str(n).strip().lower() for n in given]
    unknown = [n for n in given if n not in valid]
    if unknown or not given:
        raise DLCourseError(f"Unknown {what} {unknown or given}. Use names from: {', '.join(valid)}.")
    if len(set(given)) != len(given):
        raise DLCourseError(f"`{what}` lists a name twice. Received: {', '.join(given)}")
    return given


def learning_rates(optimizers, given, defaults):
    """`{name: rate}` for each optimiser: `defaults`, overridden by `given`.

    Args:
        optimizers: the optimiser names.
        given: None (the defaults), one number for every optimiser, or a dict
            `{name: rate}` overriding some of the defaults.
        defaults: `{name: rate}` for every name that may be asked for.

    Returns:
        A dict of floats, in the order of `optimizers`.
    """
    if given is None or isinstance(given, dict):
        rates = {**defaults, **(given or {})}
    else:
        rates = dict.fromkeys(optimizers, given)
    missing = [n for n in optimizers if n not in rates]
    if missing:
        raise DLCourseError(f"No learning rate for {missing}. Pass learning_rates={{name: rate}}.")
    rates = {n: float(rates[n]) for n in optimizers}
    bad = {n: rate for n, rate in rates.items() if not rate > 0}
    if bad:
        raise DLCourseError(f"Learning rates must be positive. Received: {bad}")
    return rates
