"""Checks the machine-readable views of attnbench run folders (issue 21): each JSON view is an
array of row objects with snake_case keys, numbers as JSON numbers and null where there is no
figure; the CSV view has the same columns and the same values (empty for null); the parameters
are param_<name> columns, the union over the run's patterns; the shape is split into columns.

    check_views.py [--pandas] RUN_DIR...

With --pandas, each view is also loaded with pd.read_json(path) and pd.read_csv(path), no
options, and its numeric columns must come out numeric in both, with the same values.
"""
import csv
import json
import math
import re
import sys
from pathlib import Path

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
PACKED_SHAPE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
SHAPE = ("batch", "heads", "kv_heads", "head_dim")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def numeric_text(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def same(json_value, cell):
    """Whether a CSV cell holds the JSON value."""
    if json_value is None:  # absent (empty) or non-finite (nan, inf, -inf in the CSV)
        return cell in ("", "nan", "inf", "-inf")
    if isinstance(json_value, bool):
        return cell == ("true" if json_value else "false")
    if isinstance(json_value, int):
        return cell != "" and int(cell) == json_value
    if isinstance(json_value, float):
        return cell != "" and math.isclose(float(cell), json_value, rel_tol=1e-12, abs_tol=0)
    if isinstance(json_value, str):
        return cell == json_value
    return json.loads(cell) == json_value


def check_json(path):
    rows = json.loads(path.read_text())
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        fail(f"{path}: not an array of objects")
    keys = list(rows[0]) if rows else []
    for row in rows:
        if list(row) != keys:
            fail(f"{path}: rows with different keys")
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                fail(f"{path}: {key} = {value} (non-finite must be null)")
            if isinstance(value, str) and (numeric_text(value) or value == "-" or PACKED_SHAPE.match(value)):
                if not key.startswith("param_"):  # a pattern may take a string of digits
                    fail(f"{path}: {key} = {value!r}: a number or a missing figure written as a string")
    for key in keys:
        if not SNAKE.match(key):
            fail(f"{path}: key {key!r} is not snake_case")
    return rows, keys


def check_csv(path, rows, keys):
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    if rows and header != keys:
        fail(f"{path}: columns {header} differ from the JSON's {keys}")
    if len(body) != len(rows):
        fail(f"{path}: {len(body)} rows, the JSON has {len(rows)}")
    for row, cells in zip(rows, body):
        for key, cell in zip(header, cells):
            if not same(row[key], cell):
                fail(f"{path}: {key}: CSV {cell!r} against JSON {row[key]!r}")
    return header


def case_records(run):
    records = [json.loads(line) for line in (run / "results.jsonl").read_text().splitlines()]
    return [r for r in records if r.get("type") == "case"]


def check_identity(run, name, rows, header):
    if not rows:
        return
    for column in ("label", "pattern") + (SHAPE if name != "density" else ("heads",)):
        if column not in header:
            fail(f"{run}/{name}: no {column} column")
    if name != "table":
        return
    records = {r["id"]: r for r in case_records(run)}
    union = {f"param_{k}" for r in records.values() for k in r["params"]}
    present = {k for k in header if k.startswith("param_")}
    if present != union:
        fail(f"{run}/table: param columns {sorted(present)}, expected {sorted(union)}")
    for row in rows:
        params = records[row["id"]]["params"]
        for column in present:
            if row[column] != params.get(column[len("param_"):]):
                fail(f"{run}/table: {row['id']}: {column} = {row[column]!r}")
        if row["heads"] != records[row["id"]]["heads"]:
            fail(f"{run}/table: {row['id']}: heads")


def check_pandas(path_json, path_csv, rows, header):
    import pandas as pd
    from pandas.api.types import is_numeric_dtype, is_datetime64_any_dtype

    frame, from_csv = pd.read_json(path_json), pd.read_csv(path_csv)
    if len(frame) != len(rows) or len(from_csv) != len(rows):
        fail(f"{path_json}: pandas read {len(frame)} / {len(from_csv)} rows, expected {len(rows)}")
    if list(from_csv.columns) != header or (rows and list(frame.columns) != header):
        fail(f"{path_json}: pandas columns differ from the file's")
    for column in header if rows else []:
        values = [r[column] for r in rows if r[column] is not None]
        for loaded in (frame, from_csv):
            if is_datetime64_any_dtype(loaded[column]):
                fail(f"{path_json}: pandas read {column} as dates")
        if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            continue
        for what, loaded in (("read_json", frame), ("read_csv", from_csv)):
            if not is_numeric_dtype(loaded[column]):
                fail(f"{path_json}: {what} gives {column} as {loaded[column].dtype}")
            expected = [math.nan if r[column] is None else float(r[column]) for r in rows]
            for got, want in zip(loaded[column].astype(float), expected):
                if math.isnan(want) and not math.isfinite(got):
                    continue
                if not math.isclose(got, want, rel_tol=1e-9):
                    fail(f"{path_json}: {what} {column}: {got} against {want}")


def main(argv):
    use_pandas = "--pandas" in argv
    runs = [Path(a) for a in argv if a != "--pandas"]
    checked = 0
    for run in runs:
        for path in sorted(run.glob("*.json")):
            rows, keys = check_json(path)
            header = check_csv(path.with_suffix(".csv"), rows, keys)
            check_identity(run, path.stem, rows, header)
            if use_pandas:
                check_pandas(path, path.with_suffix(".csv"), rows, header)
            checked += 1
    if checked == 0:
        fail("no JSON view found")
    print(f"{checked} JSON and CSV views checked{' and loaded with pandas' if use_pandas else ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
