"""What the PDF reader needs from a page, read with PDFium (pypdfium2).

For each page: its characters (text and box) and its ruling lines (the
horizontal and vertical segments drawn by path objects, thin filled
rectangles included), all in *view* coordinates: points from the top-left of
the page as a reader sees it, ``y`` growing downwards (the convention of
pdfplumber's ``top``/``bottom``).

The view is upright for the text, not only for the page: a page whose text
runs sideways (``/Rotate 90``, or a landscape table printed turned on a
portrait page) is turned by the quarter turn that makes its characters
upright, taken from the characters' own angle (``/Rotate`` decides only when
the angle cannot be read).

Why PDFium: pdfminer's character parsing in pure Python is the floor of any
pdfplumber reader (about 6 pages/s here); PDFium parses the page in C and we
make about one call per character (its box; the font size only where the box's
top or bottom changes), the page's text in one call, and a few per drawn
object, in one pass over the page's objects (handles as plain integers).

PDFium measures every character's glyph outline when it parses a page (for
boxes we do not use: the *loose* box read here is the advance width by the
font's ascent and descent). For a font the PDF does not embed it substitutes
a system font, and outlining a CFF CJK glyph (Noto CJK) per character was
three quarters of the parsing time; the result also depended on the fonts
installed. Reading needs no glyph shapes (the text comes from the font's
encoding and CMaps, the widths from the PDF), so the reader lets PDFium
substitute a built-in one-glyph TrueType font (a box, for every code point)
instead: 3× faster on such files, the same characters, and boxes that do not
depend on the machine. (Substituting *nothing* is faster still but PDFium then
drops text objects of one character whose glyph is empty, e.g. the grade 优.)
This is set once per process; jixiao never renders PDFs. A font lookup
installed by the caller through pypdfium2 is left alone.
"""

from __future__ import annotations

import ctypes
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# A character: (text, x0, top, x1, bottom, font size) in view coordinates.
Char = tuple[str, float, float, float, float, float]
# Ruling segments: horizontal (y, x0, x1), vertical (x, y0, y1), view coordinates.
HSeg = tuple[float, float, float]
VSeg = tuple[float, float, float]

# A path whose box is thinner than this (points) is a line, not a rectangle.
THIN = 2.5
_SPACES = " \r\n\t\x00\xa0"
# A gap on a line, as a share of the characters' box height (about 1 em), that can
# hold a printed space glyph (Noto CJK's space is 0.22 em).
_SPACE_GAP = 0.15
# Full-width punctuation draws its glyph in one half of a full-width box, and some
# fonts give it a narrow box: the blank half is not a space (“一张网”, not “ 一张网 ”).
FULL_WIDTH_PUNCT = frozenset("“”‘’「」『』（）《》〈〉【】〔〕、，。：；！？…—·")


@dataclass(slots=True)
class PageContent:
    number: int  # 1-based
    width: float  # in the view
    height: float
    rotation: int  # quarter turns (clockwise) from PDF user space to the view
    chars: list[Char] = field(default_factory=list)
    hsegs: list[HSeg] = field(default_factory=list)
    vsegs: list[VSeg] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(c[0].strip() for c in self.chars)


class PdfOpenError(Exception):
    """The document cannot be opened; ``kind`` is ``password`` or ``damaged``."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


def _raw():
    import pypdfium2  # noqa: F401  (initialises the library)
    import pypdfium2.raw as raw

    return raw


class _Objects:
    """PDFium's own functions at their addresses, declared anew (pypdfium2's
    declarations are left as they are): with ``void *`` handles, so that an
    object comes back as a plain integer (comparable, hashable, no ctypes
    pointer object made per call) and goes in as one; and, for the calls made
    per character or per drawn object, without argument types at all."""

    def __init__(self, raw) -> None:
        vp, c_int, c_float, c_ulong = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_ulong
        pf = ctypes.POINTER(c_float)

        def fn(name: str, restype, *argtypes):
            proto = type(getattr(raw, name))  # the library's own function pointer class
            f = proto(ctypes.cast(getattr(raw, name), vp).value)
            f.restype, f.argtypes = restype, argtypes
            return f

        self.bounds = fn("FPDFPageObj_GetBounds", c_int, vp, pf, pf, pf, pf)
        self.matrix = fn("FPDFPageObj_GetMatrix", c_int, vp, ctypes.POINTER(raw.FS_MATRIX))
        self.text = fn("FPDFTextObj_GetText", c_ulong, vp, raw.FPDF_TEXTPAGE, vp, c_ulong)
        self.form_count = fn("FPDFFormObj_CountObjects", c_int, vp)
        self.segment = fn("FPDFPath_GetPathSegment", vp, vp, c_int)
        self.point = fn("FPDFPathSegment_GetPoint", c_int, vp, pf, pf)
        self.segment_type = fn("FPDFPathSegment_GetType", c_int, vp)
        self.segment_close = fn("FPDFPathSegment_GetClose", c_int, vp)

        # The calls made per character, without argument types: ctypes then
        # converts nothing (the text page goes in as the pointer it is, an index
        # as a C int, the box as ``byref``), about half the cost of a call.
        def bare(name: str, restype):
            f = type(getattr(raw, name))(ctypes.cast(getattr(raw, name), vp).value)
            f.restype = restype
            return f

        self.loose_box = bare("FPDFText_GetLooseCharBox", c_int)
        self.font_size = bare("FPDFText_GetFontSize", ctypes.c_double)
        self.is_generated = bare("FPDFText_IsGenerated", c_int)
        self.char_object = bare("FPDFText_GetTextObject", vp)
        # and per drawn object: the object comes back as a handle (``_Handle``,
        # not converted to an integer) that goes in again as the pointer it is
        self.page_handle = bare("FPDFPage_GetObject", _Handle)
        self.form_handle = fn("FPDFFormObj_GetObject", _Handle, vp, c_ulong)  # an unsigned long index
        self.handle_type = bare("FPDFPageObj_GetType", c_int)
        self.handle_bounds = bare("FPDFPageObj_GetBounds", c_int)
        self.handle_draw_mode = bare("FPDFPath_GetDrawMode", c_int)
        self.handle_segments = bare("FPDFPath_CountSegments", c_int)


class _Handle(ctypes.c_void_p):
    """A page object as a function returns it: a subclass of ``c_void_p`` is
    not converted to an integer (``.value`` is the address)."""


_objects: _Objects | None = None


def _object_api(raw) -> _Objects:
    global _objects
    if _objects is None:
        _objects = _Objects(raw)
    return _objects


_installed = False


def _install_box_font() -> None:
    """Let PDFium substitute the one-glyph box font for every font a PDF does
    not embed (see the module docstring); once per process, and not when
    someone installed their own font lookup (pypdfium2's ``PdfSysfontBase``)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from pypdfium2._helpers.sysfontinfo import PdfSysfontBase
    except ImportError:  # an older pypdfium2: PDFium's own lookup (slower, same text)
        return
    if PdfSysfontBase.SINGLETON is not None:
        return
    data = _box_font()
    name = b"JixiaoBox\x00"

    def copy(blob: bytes, buffer, size: int) -> int:
        if buffer and size >= len(blob):
            ctypes.memmove(buffer, blob, len(blob))
        return len(blob)

    class BoxFonts(PdfSysfontBase):
        def MapFont(self, _, weight, italic, charset, pitch_family, face, exact):
            return 1

        def GetFont(self, _, face):
            return 1

        def GetFontData(self, _, font, table, buffer, size):
            return copy(data, buffer, size) if table == 0 else 0

        def GetFaceName(self, _, font, buffer, size):
            return copy(name, buffer, size)

        def GetFontCharset(self, _, font):
            return 1  # DEFAULT_CHARSET

        def DeleteFont(self, _, font):
            return None

    BoxFonts().setup()


def _box_font() -> bytes:
    """A minimal TrueType font: one glyph, a 1000×1000 box, for every code point."""
    glyph = struct.pack(">hhhhh", 1, 0, -120, 1000, 880) + struct.pack(">HH", 3, 0) + bytes([1, 1, 1, 1]) \
        + struct.pack(">hhhh", 0, 1000, 0, -1000) + struct.pack(">hhhh", -120, 0, 1000, 0)
    glyph += b"\0" * (len(glyph) % 2)
    name_strs = [(1, "Box"), (4, "Box")]
    recs, pool = b"", b""
    for nid, s in name_strs:
        b = s.encode("utf-16-be")
        recs += struct.pack(">HHHHHH", 3, 1, 0x409, nid, len(b), len(pool))
        pool += b
    sub = struct.pack(">HHIII", 13, 0, 28, 0, 1) + struct.pack(">III", 0, 0x10FFFF, 1)
    encs = [(0, 4), (3, 1), (3, 10)]
    cmap = struct.pack(">HH", 0, len(encs)) + b"".join(struct.pack(">HHI", p, e, 4 + 8 * len(encs)) for p, e in encs) + sub
    tables = {
        b"cmap": cmap,
        b"glyf": glyph,
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x10000, 0x10000, 0, 0x5F0F3CF5, 0, 1000, 0, 0,
                             0, -120, 1000, 880, 0, 8, 2, 0, 0),
        b"hhea": struct.pack(">Ihhh" + "H" + "h" * 11 + "H", 0x10000, 880, -120, 0, 1000, 0, 0, 1000, 1, 0, 0,
                             0, 0, 0, 0, 0, 2),
        b"hmtx": struct.pack(">HhHh", 1000, 0, 1000, 0),
        b"loca": struct.pack(">HHH", 0, 0, len(glyph) // 2),
        b"maxp": struct.pack(">I" + "H" * 14, 0x10000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"name": struct.pack(">HHH", 0, len(name_strs), 6 + 12 * len(name_strs)) + recs + pool,
        b"post": struct.pack(">IiHhIIIII", 0x30000, 0, 0xFF9C, 50, 0, 0, 0, 0, 0),
    }
    n = len(tables)
    es = 1 << (n.bit_length() - 1)
    head = struct.pack(">IHHHH", 0x10000, n, es * 16, es.bit_length() - 1, n * 16 - es * 16)
    offset = 12 + 16 * n
    dirs, body = b"", b""
    for tag in sorted(tables):
        data = tables[tag]
        dirs += struct.pack(">4sIII", tag, 0, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return head + dirs + body


def _view(rot: int, box: tuple[float, float, float, float]):
    """The map from user space to the view for ``rot`` clockwise quarter turns."""
    x0, y0, x1, y1 = box
    if rot == 1:
        return lambda x, y: (y - y0, x - x0)
    if rot == 2:
        return lambda x, y: (x1 - x, y - y0)
    if rot == 3:
        return lambda x, y: (y1 - y, x1 - x)
    return lambda x, y: (x - x0, y1 - y)


class Document:
    """An open PDF; iterate :meth:`pages`. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        raw = _raw()
        self.raw = raw
        import pypdfium2 as pdfium

        try:
            self.pdf = pdfium.PdfDocument(Path(path))
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
                raise PdfOpenError("password", str(exc)) from None
            raise PdfOpenError("damaged", str(exc)) from None
        self.n_pages = len(self.pdf)
        self.api = _object_api(raw)

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def pages(self, start: int = 0, stop: int | None = None) -> Iterator[PageContent]:
        """The pages ``start`` (0-based) up to ``stop`` (excluded; the last page
        when None), in order."""
        _install_box_font()
        for i in range(start, self.n_pages if stop is None else min(stop, self.n_pages)):
            yield self._page(i)

    # --- one page -------------------------------------------------------------

    def _page(self, i: int) -> PageContent:
        raw = self.raw
        page = raw.FPDF_LoadPage(self.pdf.raw, i)
        if not page:
            raise RuntimeError(f"page {i + 1} cannot be loaded")
        tp = None
        try:
            r = raw.FS_RECTF()
            if raw.FPDF_GetPageBoundingBox(page, ctypes.byref(r)):
                box = (min(r.left, r.right), min(r.bottom, r.top), max(r.left, r.right), max(r.bottom, r.top))
            else:
                box = (0.0, 0.0, raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page))
            tp = raw.FPDFText_LoadPage(page)
            n = raw.FPDFText_CountChars(tp) if tp else 0
            rot = self._text_rotation(tp, n)
            if rot is None:
                rot = raw.FPDFPage_GetRotation(page) % 4
            w, h = box[2] - box[0], box[3] - box[1]
            out = PageContent(i + 1, h if rot % 2 else w, w if rot % 2 else h, rot)
            to_view = _view(rot, box)
            self._box = box
            api = self.api
            count = raw.FPDFPage_CountObjects(page)
            objs = [api.page_handle(page, j) for j in range(count)]
            kinds = list(map(api.handle_type, objs))
            self._objs, self._kinds, self._texts = objs, kinds, None
            if n:
                out.chars = self._chars(tp, n, to_view, rot, box)
            self._segments(objs, kinds, to_view, out)
            return out
        finally:
            self._objs = self._kinds = self._texts = None  # the page's objects go with it
            if tp:
                raw.FPDFText_ClosePage(tp)
            raw.FPDF_ClosePage(page)

    def _text_rotation(self, tp, n: int) -> int | None:
        """The quarter turn that makes most characters upright (from a sample of
        their angles), or None when there is no text to tell."""
        if not n:
            return None
        raw = self.raw
        votes = [0, 0, 0, 0]
        step = max(1, n // 40)
        for k in range(0, n, step):
            a = raw.FPDFText_GetCharAngle(tp, k)
            if a < 0 or raw.FPDFText_GetUnicode(tp, k) in (32, 13, 10):
                continue
            votes[-round(math.degrees(a) / 90) % 4] += 1  # PDFium's angle turns clockwise
        if not any(votes):
            return None
        return max(range(4), key=lambda q: votes[q])

    def _chars(self, tp, n: int, to_view, rot: int, box: tuple) -> list[Char]:
        raw = self.raw
        buf = (ctypes.c_ushort * (n + 1))()
        got = raw.FPDFText_GetText(tp, 0, n, buf)
        text = bytes(buf)[: 2 * max(got - 1, 0)].decode("utf-16-le", errors="replace")
        if len(text) != n:  # surrogate pairs or skipped characters: one by one
            text = "".join(chr(raw.FPDFText_GetUnicode(tp, k) or 0xFFFD) for k in range(n))
        rect = raw.FS_RECTF()
        pr = ctypes.byref(rect)
        api = self.api
        loose, size, generated = api.loose_box, api.font_size, api.is_generated
        # the characters to read: not the spaces and line breaks PDFium makes up
        # (a space the PDF prints is kept)
        spaces = _SPACES
        shown = [k for k, t in enumerate(text) if t not in spaces or (t == " " and not generated(tp, k))]
        out: list[Char] = []
        add = out.append
        upright = rot == 0  # the common case, without a call per corner
        x0b, y1b = box[0], box[3]
        last = -1  # index of the last character kept
        last_i = 0  # its place in ``shown``
        # The font size is its text object's: a character whose box has the same
        # top and bottom as the one before (same baseline, ascent and descent)
        # is of the same size, which is not asked again.
        last_top = last_bottom = None
        sz = 0.0
        for i, k in enumerate(shown):
            if not loose(tp, k, pr):
                continue
            top, bottom = rect.top, rect.bottom
            if top != last_top or bottom != last_bottom:
                sz = size(tp, k)
                last_top, last_bottom = top, bottom
            t = text[k]
            if upright:
                ch = (t, rect.left - x0b, y1b - top, rect.right - x0b, y1b - bottom, sz)
            else:
                ax, ay = to_view(rect.left, top)
                bx, by = to_view(rect.right, bottom)
                if ax > bx:
                    ax, bx = bx, ax
                if ay > by:
                    ay, by = by, ay
                ch = (t, ax, ay, bx, by, sz)
            # PDFium put a space or a line break of its own after ``last``: some
            # character between them is not shown
            if k - last != i - last_i and last >= 0 and t != " " and out[-1][0] != " ":
                # PDFium drops the spaces a PDF prints and makes up its own where it sees
                # a gap (LibreOffice's autospace between Chinese and digits too: 30人).
                # Its space is kept where the PDF printed a space glyph as an object of
                # its own (Chromium: "员 ", "", "3"; "房", "", "U" at a wrap). Wide gaps
                # without a glyph are judged later, on the line in reading order
                # (pdf.py ``_line_text``): content order is not always that order.
                prev = out[-1]
                h = max(prev[4] - prev[2], ch[4] - ch[2])
                if abs(ch[2] + ch[4] - prev[2] - prev[4]) < h:
                    gap = ch[1] - prev[3]
                    keep = gap >= _SPACE_GAP * h and self._space_glyph_after(tp, last, k)
                else:
                    keep = self._space_glyph_after(tp, last, k)
                if keep:
                    add((" ", prev[3], prev[2], prev[3] + 0.01, prev[4], prev[5]))
            add(ch)
            last, last_i = k, i
        return out

    def _space_glyph_after(self, tp, k: int, k_next: int) -> bool:
        """True when the text object after character ``k``'s (in content order)
        holds only a space and sits right after ``k`` on its line: a space glyph
        that PDFium gives no text of its own. ``k_next``: the next character
        kept (a visible one): when the object after ``k``'s is its own, that
        object shows text and the answer is no, without reading it."""
        api = self.api
        if self._texts is None:  # the page's text objects in content order, once a page asks
            text_kind = self.raw.FPDF_PAGEOBJ_TEXT
            self._texts = [o.value for o, t in zip(self._objs, self._kinds) if t == text_kind]
            self._text_order = {o: j for j, o in enumerate(self._texts)}
        obj = api.char_object(tp, k)
        j = self._text_order.get(obj) if obj else None
        if j is None or j + 1 >= len(self._texts):
            return False
        nxt = self._texts[j + 1]
        if api.char_object(tp, k_next) == nxt:
            return False
        size = api.text(nxt, tp, None, 0)
        buf = (ctypes.c_ushort * max(size // 2, 1))()
        api.text(nxt, tp, ctypes.addressof(buf), size)
        if bytes(buf).decode("utf-16-le", errors="replace").rstrip("\x00").strip():
            return False
        raw = self.raw
        fl = [ctypes.c_float() for _ in range(4)]
        api.bounds(nxt, *(ctypes.byref(f) for f in fl))
        r = raw.FS_RECTF()
        if not raw.FPDFText_GetLooseCharBox(tp, k, ctypes.byref(r)):
            return False
        left, bottom, right, top = (f.value for f in fl)
        lo, hi = min(r.bottom, r.top), max(r.bottom, r.top)
        # A space glyph has no outline: its bounds are a point on the baseline, just
        # after the character (upright pages; turned pages are not checked).
        same_line = lo <= (bottom + top) / 2 <= hi
        after = left >= max(r.left, r.right) - 0.5 and left - max(r.left, r.right) < hi - lo
        return same_line and after and right - left < 0.5 * (hi - lo)

    def _segments(self, objs: list[int], kinds: list[int], to_view, out: PageContent) -> None:
        """The ruling lines drawn by the page's path objects (``objs``, of types
        ``kinds``), form XObjects entered."""
        raw, api = self.raw, self.api
        fl = [ctypes.c_float() for _ in range(4)]
        refs = [ctypes.byref(f) for f in fl]
        f0, f1, f2, f3 = fl
        bounds, draw_mode, count_segments = api.handle_bounds, api.handle_draw_mode, api.handle_segments
        fill = ctypes.c_int()
        stroke = ctypes.c_int()
        fill_ref, stroke_ref = ctypes.byref(fill), ctypes.byref(stroke)
        hs, vs = out.hsegs, out.vsegs
        PATH, FORM = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM

        upright, x_org, y_top = out.rotation == 0, self._box[0], self._box[3]

        def add_box(x0: float, y0: float, x1: float, y1: float, rect: bool) -> None:
            if upright:  # to_view, inlined for the common case
                ax, ay, bx, by = x0 - x_org, y_top - y0, x1 - x_org, y_top - y1
            else:
                (ax, ay), (bx, by) = to_view(x0, y0), to_view(x1, y1)
            if ax > bx:
                ax, bx = bx, ax
            if ay > by:
                ay, by = by, ay
            if by - ay <= THIN and bx - ax > THIN:
                hs.append(((ay + by) / 2, ax, bx))
            elif bx - ax <= THIN and by - ay > THIN:
                vs.append(((ax + bx) / 2, ay, by))
            elif rect and bx - ax > THIN and by - ay > THIN:
                hs.append((ay, ax, bx))
                hs.append((by, ax, bx))
                vs.append((ax, ay, by))
                vs.append((bx, ay, by))

        def walk(objects, types, matrix) -> None:
            for obj, typ in zip(objects, types):
                if typ == FORM:
                    m = raw.FS_MATRIX()
                    api.matrix(obj, ctypes.byref(m))
                    inner = (m.a, m.b, m.c, m.d, m.e, m.f)
                    kids = [api.form_handle(obj, j) for j in range(api.form_count(obj))]
                    walk(kids, list(map(api.handle_type, kids)), _compose(inner, matrix) if matrix else inner)
                    continue
                if typ != PATH:
                    continue
                if not bounds(obj, *refs):
                    continue
                x0, y0, x1, y1 = f0.value, f1.value, f2.value, f3.value
                if matrix:
                    x0, y0, x1, y1 = _map_box(matrix, x0, y0, x1, y1)
                if x1 - x0 <= THIN or y1 - y0 <= THIN:
                    add_box(x0, y0, x1, y1, False)  # a line, or a thin filled rectangle
                    continue
                draw_mode(obj, fill_ref, stroke_ref)
                if not stroke.value:
                    continue  # a shaded area, not a border
                n_seg = count_segments(obj)
                if 4 <= n_seg <= 5:
                    add_box(x0, y0, x1, y1, True)  # a rectangle (``re``, or four sides)
                else:
                    self._path_lines(obj, n_seg, matrix, add_box)

        walk(objs, kinds, None)

    def _path_lines(self, obj: int, n_seg: int, matrix, add_box) -> None:
        """The straight axis-aligned pieces of a path with many segments (a
        whole grid drawn as one path)."""
        raw, api = self.raw, self.api
        m = raw.FS_MATRIX()
        api.matrix(obj, ctypes.byref(m))
        own = (m.a, m.b, m.c, m.d, m.e, m.f)
        full = _compose(own, matrix) if matrix else own
        x, y = ctypes.c_float(), ctypes.c_float()
        rx, ry = ctypes.byref(x), ctypes.byref(y)
        px = py = sx = sy = None
        for k in range(n_seg):
            seg = api.segment(obj, k)
            api.point(seg, rx, ry)
            qx, qy = _apply(full, x.value, y.value)
            typ = api.segment_type(seg)
            if typ == raw.FPDF_SEGMENT_MOVETO:
                sx, sy = qx, qy
            elif typ == raw.FPDF_SEGMENT_LINETO and px is not None:
                add_box(min(px, qx), min(py, qy), max(px, qx), max(py, qy), False)
            if api.segment_close(seg) and sx is not None:
                add_box(min(qx, sx), min(qy, sy), max(qx, sx), max(qy, sy), False)
            px, py = qx, qy


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner, outer):
    """``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _map_box(m, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    pts = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)
