"""The contact sheet of a run: one labelled PNG of its grids (A1111's X/Y/Z plot style).

Each block (an input, and a third-axis value) is titled; the first axis' values head the columns, the
second's the rows, and every tile is the cell's first output (a video's thumbnail) scaled to fit, with
its stars written under it. Cells without an output show their job's status.
"""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from generations.run_grid import Grid, run_grid

TILE = 192
LABEL_W = 150
HEADER_H = 24
TITLE_H = 28
CAPTION_H = 18
PAD = 6
BACKGROUND, INK, MUTED = (255, 255, 255), (20, 20, 20), (110, 110, 110)


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _fit(text: str, font, width: int, draw: ImageDraw.ImageDraw) -> str:
    text = str(text)
    while text and draw.textlength(text, font=font) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


def _slot_tile(slot) -> Image.Image | None:
    """A slot's output, or its seeds' outputs as a mosaic (up to 9) in one tile."""
    if slot is None:
        return None
    if len(slot.cells) == 1:
        return _tile(slot.cells[0])
    side = min(3, math.ceil(math.sqrt(len(slot.cells))))
    size = TILE // side
    mosaic = Image.new("RGB", (TILE, TILE), BACKGROUND)
    for index, cell in enumerate(slot.cells[: side * side]):
        image = _tile(cell)
        if image is not None:
            image.thumbnail((size - 2, size - 2))
            mosaic.paste(image, ((index % side) * size + 1, (index // side) * size + 1))
    return mosaic


def _tile(cell) -> Image.Image | None:
    output = cell.output if cell else None
    if output is None:
        return None
    stored = output.thumbnail if output.is_video and output.thumbnail else output.file
    if not stored:
        return None
    try:
        with stored.storage.open(stored.name, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            image.load()
    except (OSError, ValueError):
        return None
    image = image.convert("RGB")
    image.thumbnail((TILE, TILE))
    return image


def _value(axis: str | None, value) -> str:
    return "" if axis is None else f"{axis} = {value}"


def contact_sheet(grid: Grid) -> bytes:
    """The grid as one PNG with the axis values written on it."""
    columns = len(grid.columns)
    rows_per_block = max((len(block.rows) for block in grid.blocks), default=1)
    block_h = TITLE_H + HEADER_H + rows_per_block * (TILE + CAPTION_H + PAD)
    header = TITLE_H + (CAPTION_H if grid.constant else 0)
    width = LABEL_W + columns * (TILE + PAD) + PAD
    height = header + len(grid.blocks) * block_h + PAD
    sheet = Image.new("RGB", (max(width, 480), height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title, small = _font(16), _font(12)
    draw.text((PAD, PAD), _fit(f"{grid.run.name} · {grid.run.model_type} · {len(grid.blocks)} grid(s)", title,
                               sheet.width - 2 * PAD, draw), fill=INK, font=title)
    if grid.constant:
        shared = "shared: " + ", ".join(f"{key}={value}" for key, value in grid.constant.items())
        draw.text((PAD, TITLE_H), _fit(shared, small, sheet.width - 2 * PAD, draw), fill=MUTED, font=small)
    top = header
    for block in grid.blocks:
        draw.text((PAD, top + 6), _fit(block.title, title, sheet.width - 2 * PAD, draw), fill=INK, font=title)
        for index, column in enumerate(grid.columns):
            x = LABEL_W + index * (TILE + PAD)
            draw.text((x, top + TITLE_H + 4), _fit(_value(grid.column_axis, column), small, TILE, draw), fill=INK,
                      font=small)
        y = top + TITLE_H + HEADER_H
        for row in block.rows:
            draw.text((PAD, y + TILE // 2 - 8), _fit(_value(grid.row_axis, row.value), small, LABEL_W - 2 * PAD,
                                                     draw), fill=INK, font=small)
            for index, slot in enumerate(row.slots):
                x = LABEL_W + index * (TILE + PAD)
                cell = slot.cells[0] if slot else None
                image = _slot_tile(slot)
                if image is not None:
                    sheet.paste(image, (x + (TILE - image.width) // 2, y + (TILE - image.height) // 2))
                else:
                    draw.rectangle((x, y, x + TILE - 1, y + TILE - 1), outline=MUTED)
                    state = cell.status.replace("_", " ") if cell else "no cell"
                    draw.text((x + 8, y + TILE // 2 - 8), state, fill=MUTED, font=small)
                mean = slot.mean if slot else None
                caption = "unrated" if mean is None else f"{mean:.2f}★"
                if slot is not None and len(slot.cells) > 1:
                    caption += f" over {len(slot.cells)} seeds" + (f" ±{slot.sd:.2f}" if slot.sd is not None else "")
                elif cell is not None and cell.clip_score is not None:
                    caption += f" · CLIP {cell.clip_score:.1f}"
                draw.text((x, y + TILE + 2), _fit(caption, small, TILE, draw), fill=MUTED, font=small)
            y += TILE + CAPTION_H + PAD
        top += block_h
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def run_contact_sheet(*, run) -> bytes:
    """The contact sheet of ``run`` as its jobs stand now."""
    return contact_sheet(run_grid(run=run))
