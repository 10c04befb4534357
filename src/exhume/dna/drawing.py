"""Draw a pedigree as SVG with the usual symbols, server-side and without any JS library.

Squares are men, circles women, diamonds people of unknown sex; a typed person is shaded; a
missing person has a red outline and an arrow. Parents are joined by a horizontal line, their
children hang from a sibship line below it.

Layout (pure, on parent indices as pedtools stores them): a person's generation is one below the
lower of their parents'; a founder who married in takes the generation of their partner. Within
a generation people keep the order of their parents' positions (siblings together), and a
founder partner is placed beside the person they had children with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SIZE, GAP_X, GAP_Y, MARGIN = 30, 26, 70, 24


@dataclass(frozen=True)
class Individual:
    """What the drawing needs of one member."""

    label: str
    sex: str
    father: int | None
    mother: int | None
    typed: bool
    missing: bool


@dataclass(frozen=True)
class Placed:
    """An individual's position: generation (row) and x centre in pixels."""

    generation: int
    x: float


def generations(people: Sequence[Individual]) -> list[int]:
    """Row of each individual (0 at the top); see the module docstring."""
    gen = [0] * len(people)
    children: list[list[int]] = [[] for _ in people]
    for i, p in enumerate(people):
        for parent in (p.father, p.mother):
            if parent is not None:
                children[parent].append(i)
    for _ in range(2 * len(people) + 2):
        changed = False
        for i, p in enumerate(people):
            if p.father is not None and p.mother is not None:
                want = max(gen[p.father], gen[p.mother]) + 1
            elif children[i]:
                want = max(0, min(gen[c] for c in children[i]) - 1)
            else:
                want = gen[i]
            if want != gen[i]:
                gen[i], changed = want, True
        if not changed:
            break
    return gen


def layout(people: Sequence[Individual]) -> list[Placed]:
    """Generation and x position of everyone (module docstring)."""
    gen = generations(people)
    rows: dict[int, list[int]] = {}
    for i in range(len(people)):
        rows.setdefault(gen[i], []).append(i)
    x = [0.0] * len(people)
    step = SIZE + GAP_X
    for g in sorted(rows):

        def key(i: int) -> tuple[float, int]:
            p = people[i]
            if p.father is not None and p.mother is not None:
                return ((x[p.father] + x[p.mother]) / 2, i)
            return (float("inf"), i)

        placed = sorted((i for i in rows[g] if key(i)[0] != float("inf")), key=key)
        for i in rows[g]:
            if i in placed:
                continue
            partner = _partner(people, i)
            if partner is not None and partner in placed:
                placed.insert(placed.index(partner) + 1, i)
            else:
                placed.append(i)
        for k, i in enumerate(placed):
            x[i] = MARGIN + SIZE / 2 + k * step
    return [Placed(gen[i], x[i]) for i in range(len(people))]


def _partner(people: Sequence[Individual], i: int) -> int | None:
    for p in people:
        if p.father == i and p.mother is not None:
            return p.mother
        if p.mother == i and p.father is not None:
            return p.father
    return None


def svg(people: Sequence[Individual], *, title: str = "") -> str:
    """The pedigree as a standalone SVG document."""
    where = layout(people)
    width = max((p.x for p in where), default=0) + SIZE / 2 + MARGIN
    height = (max((p.generation for p in where), default=0) + 1) * (SIZE + GAP_Y) + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" '
        'class="pedigree">',
        f"<title>{escape(title)}</title>",
    ]
    parts += _lines(people, where)
    for person, at in zip(people, where, strict=True):
        parts += _symbol(person, at)
    parts.append("</svg>")
    return "\n".join(parts)


def _y(generation: int) -> float:
    return MARGIN + generation * (SIZE + GAP_Y) + SIZE / 2


def _lines(people: Sequence[Individual], where: Sequence[Placed]) -> list[str]:
    out: list[str] = []
    couples: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(people):
        if p.father is not None and p.mother is not None:
            couples.setdefault((p.father, p.mother), []).append(i)
    line = 'stroke="#333" stroke-width="1.5" fill="none"'
    for (f, m), kids in couples.items():
        fx, mx, y = where[f].x, where[m].x, _y(where[f].generation)
        my = _y(where[m].generation)
        out.append(f'<path d="M{fx:.1f},{y:.1f} L{mx:.1f},{my:.1f}" {line}/>')
        mid_x, mid_y = (fx + mx) / 2, (y + my) / 2
        bar = _y(where[kids[0]].generation) - SIZE / 2 - GAP_Y / 3
        xs = [*(where[k].x for k in kids), mid_x]
        out.append(f'<path d="M{mid_x:.1f},{mid_y:.1f} L{mid_x:.1f},{bar:.1f}" {line}/>')
        out.append(f'<path d="M{min(xs):.1f},{bar:.1f} L{max(xs):.1f},{bar:.1f}" {line}/>')
        for k in kids:
            top = _y(where[k].generation) - SIZE / 2
            out.append(
                f'<path d="M{where[k].x:.1f},{bar:.1f} L{where[k].x:.1f},{top:.1f}" {line}/>'
            )
    return out


def _symbol(person: Individual, at: Placed) -> list[str]:
    x, y, h = at.x, _y(at.generation), SIZE / 2
    fill = "#555" if person.typed else "#fff"
    stroke = (
        'stroke="#b00020" stroke-width="3"'
        if person.missing
        else 'stroke="#222" stroke-width="1.5"'
    )
    kind = "missing" if person.missing else "typed" if person.typed else "untyped"
    attrs = (
        f'fill="{fill}" {stroke} data-member="{escape(person.label)}" class="{kind} {person.sex}"'
    )
    if person.sex == "male":
        shape = f'<rect x="{x - h:.1f}" y="{y - h:.1f}" width="{SIZE}" height="{SIZE}" {attrs}/>'
    elif person.sex == "female":
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{h:.1f}" {attrs}/>'
    else:
        pts = f"{x:.1f},{y - h:.1f} {x + h:.1f},{y:.1f} {x:.1f},{y + h:.1f} {x - h:.1f},{y:.1f}"
        shape = f'<polygon points="{pts}" {attrs}/>'
    out = [shape]
    if person.missing:
        ax, ay = x - h - 4, y + h + 4
        out.append(
            f'<path d="M{ax - 10:.1f},{ay + 10:.1f} L{ax:.1f},{ay:.1f} M{ax - 6:.1f},{ay:.1f} '
            f'L{ax:.1f},{ay:.1f} L{ax:.1f},{ay + 6:.1f}" stroke="#b00020" stroke-width="2" '
            'fill="none"/>'
        )
    out.append(
        f'<text x="{x:.1f}" y="{y + h + 14:.1f}" text-anchor="middle" font-size="11" '
        f'font-family="sans-serif">{escape(person.label)}</text>'
    )
    return out
