"""Command line: python -m nlu {classify,evaluate,bench,train} (each has --help)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlu.resources import (
    DATA_DIR,
    DEV_SET,
    HOLDOUT_SETS,
    MODEL_PATH,
    OWN_SET,
    SAFETY_MODEL_PATH,
    TRAIN_SETS,
    write_model,
)


def classify(args: argparse.Namespace) -> int:
    """One JSON line out per line in; a bad line gets {"error": ...} and the run goes on."""
    from nlu.analysis import analyze

    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            out: dict = {"line": number, "error": f"not valid JSON: {exc.msg}"}
        else:
            text = row.get("text") if isinstance(row, dict) else None
            if isinstance(text, str):
                out = analyze(text).to_dict()
                if args.echo:
                    out = {"text": text, **out}
            else:
                out = {"line": number, "error": 'expected an object with a string "text" field'}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from nlu.evaluation import (
        TARGET_INTENT_ACCURACY,
        cross_validate,
        evaluate_intents,
        evaluate_safety,
        format_cross_validation,
        format_intents,
        format_safety,
        read_rows,
    )

    files = args.files or [p for p in (OWN_SET, *HOLDOUT_SETS, *TRAIN_SETS, DEV_SET) if p.exists()]
    ok = True
    if args.cv:
        print(format_cross_validation(cross_validate(args.cv)), end="\n\n")
    if not args.intents_only:
        for path in files:
            rows = read_rows(path)
            if not args.combined_only:
                rules = evaluate_safety(rows, f"{path} [rules alone]", use_model=False)
                print(format_safety(rules, details=args.rules_only), end="\n\n")
            if args.rules_only:
                ok = ok and rules.meets_targets()
                continue
            report = evaluate_safety(rows, f"{path} [rules + model]")
            print(format_safety(report), end="\n\n")
            ok = ok and report.meets_targets()
    intents = evaluate_intents()
    print(format_intents(intents))
    ok = ok and intents.accuracy >= TARGET_INTENT_ACCURACY
    return 1 if args.check and not ok else 0


def bench(args: argparse.Namespace) -> int:
    from nlu.benchmark import pin_to_one_core, run

    pin_to_one_core()
    report = run(args.messages)
    print(f"load (fresh interpreter, import + first analyze)  {report.load_s * 1000:.0f} ms")
    print(
        f"throughput (one process, one core)                {report.per_second:,.0f} msg/s "
        f"over {report.messages} messages"
    )
    print(
        f"latency per message                               p50 {report.p50_us:.0f} us, "
        f"p99 {report.p99_us:.0f} us"
    )
    return 0


def train_model(args: argparse.Namespace) -> int:
    from nlu import safety_model
    from nlu.intents import load_examples, train

    if args.which in ("all", "intents"):
        pairs = load_examples(args.data)
        write_model(train(pairs), args.output)
        print(f"intents: trained on {len(pairs)} examples from {args.data}; wrote {args.output}")
    if args.which in ("all", "safety"):
        pairs = safety_model.training_pairs(args.safety_data)
        model = safety_model.train(pairs)
        write_model(model, args.safety_output)
        print(
            f"safety: trained on {len(pairs)} messages ({', '.join(safety_model.TRAINING_FILES)}"
            f" and intents.yml as none) from {args.safety_data}; "
            f"{len(model['features'])} features; wrote {args.safety_output}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nlu",
        description="Relais NLU: urgent signals, intents, entities and language of messages.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "classify",
        help="analyse JSON lines from stdin",
        description='Read JSON lines {"text": ...} on stdin; write one JSON line '
        "per input: urgent, signals, evidence, intent, confidence, entities, "
        'language. A bad line gets a line with an "error" field.',
    )
    p.add_argument("--echo", action="store_true", help="repeat the input text in each output")
    p.set_defaults(func=classify)

    p = sub.add_parser(
        "evaluate",
        help="measure the detector and the intent model",
        description="Urgent recall, false-alarm rate, main-signal accuracy, "
        "per-signal precision/recall, misses and false alarms for each labelled "
        "JSON-lines file; then intent accuracy on the held-out fifth of "
        "nlu/data/intents.yml. Without FILE: nlu/data/safety.jsonl, the fresh batches "
        "nlu/data/safety-holdout.jsonl ... safety-holdout7.jsonl, the model's examples "
        "safety-train.jsonl and safety-train2.jsonl, and "
        "$RELAIS_SAFETY_EVAL or ../shared/eval/safety-dev.jsonl (when present).",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help='JSON lines {"text", "urgent", "signal", "lang"}',
    )
    p.add_argument(
        "--intents", dest="intents_only", action="store_true", help="only the intent accuracy"
    )
    p.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    p.add_argument(
        "--rules-only",
        action="store_true",
        help="the rules of safety.yml alone (what --check then checks), with their misses listed",
    )
    p.add_argument(
        "--combined-only",
        action="store_true",
        help="only rules + model (by default the rules alone are summed up first)",
    )
    p.add_argument(
        "--cv",
        type=int,
        nargs="?",
        const=5,
        default=0,
        metavar="K",
        help="also K-fold cross-validation of the safety model over its labelled training "
        "files (default K=5): model alone and rules + model per fold, and a threshold table",
    )
    p.set_defaults(func=evaluate)

    p = sub.add_parser(
        "bench",
        help="speed: load time, messages per second, p50/p99",
        description="Cold load time in a fresh interpreter, then messages per "
        "second and per-message latency (p50/p99) on one core, over the "
        "project's own messages.",
    )
    p.add_argument("--messages", type=int, default=20_000, help="how many calls to time")
    p.set_defaults(func=bench)

    p = sub.add_parser(
        "train",
        help="rebuild the intent model and the safety model from nlu/data",
        description="Train the intent model from Rasa-format examples (nlu/data/intents.yml) "
        "and the safety model from the labelled safety files of nlu/data (plus the intent "
        "examples as non-urgent), and write them as JSON (deterministic: same data, same file).",
    )
    p.add_argument(
        "which",
        nargs="?",
        choices=("all", "intents", "safety"),
        default="all",
        help="which model to rebuild (default: both)",
    )
    p.add_argument("--data", type=Path, default=DATA_DIR / "intents.yml", help="training file")
    p.add_argument("--output", type=Path, default=MODEL_PATH, help="intent model file to write")
    p.add_argument(
        "--safety-data",
        type=Path,
        default=DATA_DIR,
        help="folder holding the labelled safety files (default nlu/data)",
    )
    p.add_argument(
        "--safety-output",
        type=Path,
        default=SAFETY_MODEL_PATH,
        help="safety model file to write",
    )
    p.set_defaults(func=train_model)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
