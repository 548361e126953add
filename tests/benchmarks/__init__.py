"""The benchmark (python3 dev.py bench): bench.py, and Lighthouse in lighthouse.py; README.md holds the figures."""


def markdown_table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (the benchmark's tables in README.md), with any "|" in a cell escaped."""
    lines = [head, ["---"] * len(head), *rows]
    return "\n".join("| " + " | ".join(str(cell).replace("|", "\\|") for cell in line) + " |" for line in lines)

