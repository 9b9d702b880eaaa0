"""The plain-text table every study prints: a header, a rule, one aligned line per row.

    format_table(COLUMNS, rows, left=2)
    # COLUMNS: ((row key, header, format), ...); the first `left` columns are text,
    # left-aligned, the others numbers, right-aligned; None and NaN are shown as "-".
"""

import math


def format_table(columns, rows, left=1):
    """`rows` (dicts) as aligned text, one column per `(key, header, format)` of `columns`."""
    header = [title for _, title, _ in columns]
    body = [[_cell(row.get(key), fmt) for key, _, fmt in columns] for row in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value, fmt):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return fmt.format(value)
