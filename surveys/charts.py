"""Charts drawn on the server as SVG, so that the results page and the results PDF show
the same pictures. Hand-written SVG: no script, no external reference; labels escaped."""

from django.utils.html import escape

FONT = "Noto Sans CJK SC, Noto Sans CJK, WenQuanYi Micro Hei, sans-serif"


def _text_width(text: str, size: float) -> float:
    """Rough width of a line: CJK characters are square, Latin ones about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.56 for ch in text)


def bar_chart(rows, *, title="", maximum=100, target=None, unit="%", width=420,
              bar_height=16, gap=6, flag_below=None) -> str:  # fmt: skip
    """Horizontal bars, one per (label, value) (value None: no answers, no bar). `target`
    draws a dashed line; a bar below `flag_below` is drawn in red."""
    rows = [(str(label), value) for label, value in rows]
    longest = max((_text_width(label, 11) for label, _ in rows), default=0)
    label_width = min(round(longest) + 10, int(width * 0.42))
    value_width = 52
    plot = width - label_width - value_width
    top = 6
    height = top + len(rows) * (bar_height + gap) + 6
    scale = maximum or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="11">',
        f'<line x1="{label_width}" y1="2" x2="{label_width}" y2="{height - 2}" '
        'stroke="#888" stroke-width="0.8"/>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        middle = y + bar_height / 2 + 4
        out.append(
            f'<text x="{label_width - 6}" y="{middle}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            out.append(f'<text x="{label_width + 4}" y="{middle}" fill="#777">—</text>')
            continue
        length = round(plot * max(float(value), 0) / scale, 1)
        low = flag_below is not None and value < flag_below
        colour = "#c0392b" if low else "#3b6ea5"
        out.append(
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{colour}"/>'
        )
        out.append(f'<text x="{label_width + length + 4}" y="{middle}">{value}{unit}</text>')
    if target is not None:
        x = label_width + round(plot * target / scale, 1)
        out.append(
            f'<line x1="{x}" y1="2" x2="{x}" y2="{height - 2}" stroke="#e67e22" '
            'stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
    out.append("</svg>")
    return "".join(out)
