"""Reading stage: path -> Document (read, decode, clean HTML/PDF, split sentences, content hash)."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import errno
import io
import os
import re
import stat
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes
from pypdf import PdfReader
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crimjust_graph.errors import InputError, InputWarning
from crimjust_graph.model import Document, Span

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".pdf"})
MAX_BYTES = 20 * 1024 * 1024

EMPTY = "empty document (no text)"
BINARY = "not a text file (binary content)"
LOOP = "symbolic link loop"
NAME_NOT_UTF8 = "file name is not valid UTF-8; rename the file (its source must be text)"

# --- text cleaning -----------------------------------------------------------------------------

_NEWLINES = re.compile("[\r\x0b\x0c\x85\u2028]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc except \t and \n
_DROP_CHARS = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))  # soft hyphen, zero-width, stray BOM
_SPACES = re.compile(r"[^\S\n\t]+")  # any Unicode space except newline and tab -> one space
_TRAILING = re.compile(r"[ \t]+\n")
_BLANKS = re.compile(r"\n{3,}")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _clean(text: str) -> str:
    """One canonical form so the content hash and evidence offsets do not depend on file encoding."""
    text = _NEWLINES.sub("\n", text.replace("\r\n", "\n").replace("\u2029", "\n\n"))
    text = unicodedata.normalize("NFC", _CONTROLS.sub("", text).translate(_DROP_CHARS))
    text = _TRAILING.sub("\n", _SPACES.sub(" ", text))
    return _BLANKS.sub("\n\n", text).strip()


def _decode(data: bytes, path: str, declared: str | None = None) -> str:
    """BOMs first, then UTF-16 by its NULs, then UTF-8 (mixed with stray legacy bytes: warned), then a
    declared charset, then charset-normalizer's best guess."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeError:
                raise InputError(path, f"invalid {codec.upper()} text after its byte-order mark") from None
    text: str | None
    if wide := _utf16_without_bom(data):
        try:
            text = data.decode(wide)
        except UnicodeError:
            raise InputError(path, BINARY) from None
    elif b"\x00" in data:
        raise InputError(path, BINARY)
    else:
        text = _mixed_utf8(data, path) or _guess(data, declared)
    if text is None:
        raise InputError(path, BINARY)
    sample = text[:65536]
    # Valid UTF-8 may hold private-use or new code points; only a guessed encoding is judged by them too.
    suspect = ("Cc",) if _is_utf8(data) else ("Cc", "Co", "Cn")
    controls = sum(1 for c in sample if unicodedata.category(c) in suspect and c not in "\n\r\t\f")
    if controls > max(2, len(sample) // 100):
        raise InputError(path, BINARY)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when every other byte is NUL, as UTF-16 text in a Latin script is."""
    sample = data[:8192]
    pairs = len(sample) // 2
    if len(data) % 2 or pairs < 2:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_DECODED_NON_ASCII = re.compile("[\x80-\udc7f\udd00-\U0010ffff]")


def _mixed_utf8(data: bytes, path: str) -> str | None:
    """A file that is UTF-8 except for some bytes (pasted from a Latin-1 page): UTF-8 where valid, the
    rest as Windows-1252, with a warning naming the file; None when the file holds no UTF-8 at all."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(_ESCAPED_BYTE.findall(text))
    if not stray or not _DECODED_NON_ASCII.search(text):
        return None
    warnings.warn(
        InputWarning(
            path,
            f"mixes UTF-8 with another encoding: read as UTF-8 where valid and {stray} other "
            f"byte{'s' if stray > 1 else ''} as Windows-1252; check accents in its text",
        ),
        stacklevel=3,
    )
    return _ESCAPED_BYTE.sub(lambda m: _legacy_byte(ord(m[0]) - 0xDC00), text)


def _legacy_byte(byte: int) -> str:
    """One byte as Windows-1252, or Latin-1 for the five bytes Windows-1252 leaves undefined."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeError:
        return chr(byte)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeError:
        return False
    return True


def _guess(data: bytes, declared: str | None) -> str | None:
    """Strict UTF-8, then the declared charset, then charset-normalizer's best guess."""
    for codec in ("utf-8", declared):
        if codec:
            try:
                return data.decode(codec)
            except (LookupError, UnicodeError):
                pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    # Ties are common (cp1250/cp1252/cp1257 decode French alike); prefer the web's legacy default, cp1252.
    tied = (m for m in matches if m.chaos <= best.chaos + 0.005 and m.coherence >= best.coherence - 0.01)
    return str(next((m for m in tied if "cp1252" in m.could_be_from_charset), best))


def _first_line(text: str) -> str:
    """The first non-empty line, capped so a one-line file does not make a page-long title."""
    line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    return line if len(line) <= 200 else line[:200].rsplit(" ", 1)[0] + "…"


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- sentences ---------------------------------------------------------------------------------

_ABBREVIATIONS = _words(
    "mr mrs ms dr prof st mt sr jr messrs mme gen col lt sgt capt cmdr gov sen rep hon amb pres "
    "etc vs cf approx incl dept est fig vol ed eds rev inc ltd co corp univ "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "art", "para", "p", "pp"})  # only before a number
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")  # U.S, e.g, i.e, J
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*(\w))")
_BULLET = re.compile(r"[ \t]*(?:[-*•·▪◦]|\d{1,3}[.)])\s")


def _is_boundary(text: str, start: int, end: int, nxt: str) -> bool:
    """. ! ? end a sentence before a capital or digit, unless the dot closes an abbreviation or initial."""
    if not (nxt.isupper() or nxt.isdigit()):
        return False
    if text[start] != "." or text[start:end].startswith(".."):
        return True
    word = (text[max(0, start - 40) : start].split() or [""])[-1].lstrip("\"'“‘([")
    lower = word.lower()
    if lower in _ABBREVIATIONS or _INITIALS.fullmatch(word):
        return False
    return not (lower in _NUMBER_ABBREVIATIONS and nxt.isdigit())


def _segments(text: str) -> Iterator[tuple[int, int]]:
    """Hard breaks: blank lines, the line after the title line, and lines that start with a bullet."""
    start, pos, seen_title = 0, 0, False
    for line in text.split("\n"):
        line_end = pos + len(line)
        if not line.strip():
            yield start, pos
            start = line_end + 1
        elif _BULLET.match(line) and pos > start:
            yield start, pos
            start = pos
        if line.strip() and not seen_title:
            seen_title = True
            yield start, line_end
            start = line_end + 1
        pos = line_end + 1
    yield start, len(text)


def split_sentences(text: str) -> tuple[Span, ...]:
    """Rule-based sentence spans with offsets into `text` (no model or data downloads)."""
    cuts: list[tuple[int, int]] = []
    for seg_start, seg_end in _segments(text):
        start = seg_start
        for m in _BOUNDARY.finditer(text, seg_start, seg_end):
            if _is_boundary(text, m.start(), m.end(), m.group(1)):
                cuts.append((start, m.end()))
                start = m.end()
        cuts.append((start, seg_end))
    spans: list[Span] = []
    for start, end in cuts:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            spans.append(Span(start + lead, start + lead + len(stripped), stripped))
    return tuple(spans)


# --- datelines ---------------------------------------------------------------------------------

# Month names in the languages UNODC and its partners publish in (English, Spanish, French, Portuguese).
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan enero ene janvier janv janeiro",
            "february feb febrero febr février fevrier févr fevereiro fev",
            "march mar marzo mars março marco",
            "april apr abril abr avril avr",
            "may mayo mai maio",
            "june jun junio juin junho",
            "july jul julio juillet juil julho",
            "august aug agosto ago août aout",
            "september sep sept septiembre setiembre set septembre setembro",
            "october oct octubre octobre outubro out",
            "november nov noviembre novembre novembro",
            "december dec diciembre dic décembre decembre dezembro dez",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_WORD = r"[^\W\d_]{3,10}\.?"
_DATELINES = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),  # ISO, maybe a time
    re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"),  # 12/04/2018: day first, unless that cannot be
    re.compile(
        rf"(\d{{1,2}})(?:st|nd|rd|th|er|º)?\s+(?:de\s+)?({_MONTH_WORD}),?\s+(?:de\s+)?(\d{{4}})", re.I
    ),
    re.compile(rf"({_MONTH_WORD})\s+(\d{{1,2}}),?\s+(\d{{4}})", re.I),
)


def parse_dateline(line: str) -> str | None:
    """A line that is only a date ('12/04/2018', '15 de enero de 2016', '06 Apr, 2019') -> ISO date."""
    line = line.strip().strip("|-–—·•").strip()
    for number, pattern in enumerate(_DATELINES):
        m = pattern.fullmatch(line)
        if m is None:
            continue
        a, b, c = m.groups()
        if number == 0:
            y, mo, d = int(a), int(b), int(c)
        elif number == 1:
            d, mo, y = (int(a), int(b), int(c)) if int(b) <= 12 else (int(b), int(a), int(c))
        elif number == 2:
            d, mo, y = int(a), MONTHS.get(b.rstrip(".").lower(), 0), int(c)
        else:
            mo, d, y = MONTHS.get(a.rstrip(".").lower(), 0), int(b), int(c)
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            return None
    return None


# 'Date: 2019-06-04', 'Published September 2019', 'Posted on 5 May 2019': a paragraph naming its date.
_DATE_LABEL = re.compile(
    r"(?:date|published|posted|updated|publicado|publié|publie)(?:\s+(?:on|le|el|em))?\s*:?\s+", re.I
)
# 'Lima, 22-24 January 2019', 'Dakar (Senegal), 5 May 2019': a place, then the date or the days of the story.
_PLACE_DATE = re.compile(
    rf"[A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){{0,3}}(?:\s+\([^()\n]{{1,30}}\))?,\s+"
    rf"(?:\d{{1,2}}\s*[-–]\s*)?(\d{{1,2}}\s+{_MONTH_WORD},?\s+\d{{4}}|{_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}})"
)
_RANGE_FIRST = re.compile(r",\s+\d{1,2}\s*[-–]")
_MONTH_YEAR = re.compile(rf"({_MONTH_WORD}),?\s+(\d{{4}})")
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_](\d{2})(?:[-_](\d{2}))?(?![\d])")


def _month_year(text: str) -> str | None:
    """'September 2019' -> '2019-09' (a publication date only as precise as the text gives it)."""
    m = _MONTH_YEAR.fullmatch(text)
    month = MONTHS.get(m[1].rstrip(".").lower(), 0) if m else 0
    return f"{m[2]}-{month:02d}" if m and month and 1900 < int(m[2]) < 2100 else None


def _dateline(text: str) -> str | None:
    """The publication date when one of the first paragraphs after the title is a date: alone, labelled
    ('Date: 2019-06-04', 'Published September 2019') or after a place ('Lima, 22-24 January 2019'; the month
    of a range, whose days are the story's, not the day it was written)."""
    for paragraph in text.split("\n\n")[1:4]:
        if len(paragraph) > 60:
            continue
        line = paragraph.strip().strip("*_").strip()
        if label := _DATE_LABEL.match(line):
            line = line[label.end() :]
        if found := parse_dateline(line) or _month_year(line):
            return found
        if (place := _PLACE_DATE.fullmatch(line)) and (day := parse_dateline(place[1])):
            return day[:7] if _RANGE_FIRST.search(line) else day
    return None


def date_in_name(path: Path) -> str | None:
    """'2019-10-02-bogota-workshop.txt' -> '2019-10-02', '2019-10-bogota.txt' -> '2019-10': a date the file's
    name opens with, as news collections often name their files; None for anything else ('2017-2018-x')."""
    m = _NAME_DATE.match(path.name)
    if m is None or not 1 <= int(m[2]) <= 12:
        return None
    if m[3] is None:
        return f"{m[1]}-{m[2]}"
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def document_from_text(
    text: str, source: str, title: str | None = None, issued: str | None = None
) -> Document:
    """Build a Document from text already in hand (a URL's content, a notebook string)."""
    text = _clean(text)
    if not text:
        raise InputError(source, EMPTY)
    issued = issued or _dateline(text)
    title = " ".join(title.split()) if title and title.strip() else _first_line(text)
    return Document(source=source, title=title, text=text, sentences=split_sentences(text), issued=issued)


# --- markdown ----------------------------------------------------------------------------------

_MD_RULES = [
    (re.compile(r"^ {0,3}(?:```|~~~).*$|^ {0,3}(?:[-=*_] *){3,}$", re.M), ""),  # fences, rules, setext
    (re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+.*$", re.M), ""),  # reference definitions
    # headings and list items become paragraphs of their own
    (re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.M), r"\n\1\n"),
    (re.compile(r"^[ \t]*>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+", re.M), "\n"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)|!?\[([^\]]+)\]\[[^\]]*\]"), r"\1\2"),  # links, images
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),  # inline HTML
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)


def _from_markdown(text: str, source: str) -> Document:
    """Strip markup lightly so sentences read as prose; YAML front matter may give title and date."""
    text, meta = text.replace("\r\n", "\n"), {}
    if front := _FRONT_MATTER.match(text):
        meta = dict(re.findall(r"^(title|date):[ \t]*[\"']?(.*?)[\"']?[ \t]*$", front[1], re.M))
        text = text[front.end() :]
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return document_from_text(text, source, meta.get("title"), _iso_date(meta.get("date")))


# --- HTML --------------------------------------------------------------------------------------

_DROP_TAGS = _words("script style noscript nav header footer aside form iframe svg template button select")
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|footer|breadcrumbs?|cookies?|consent|share|sharing|social"
    r"|sidebar|banner|skip-link|newsletter|subscribe|advert|ads|related|comments?|pagination)(?:$|[-_\s])",
    re.I,
)
_BOILERPLATE_ROLES = _words("navigation contentinfo banner complementary search menu")
_BLOCKS = _words(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th thead tbody caption "
    "blockquote pre figure figcaption address hr br center details summary body html"
)
_DATES = (  # in order of trust
    'meta[property="article:published_time"]',
    'meta[name="date"], meta[name="pubdate"], meta[itemprop="datePublished"], meta[name="dc.date"]',
    'meta[name="DC.date.issued"], time[datetime]',
)


def _iso_date(value: str | None) -> str | None:
    """'2018-09-11T10:00:00Z' -> '2018-09-11'; anything unparseable -> None."""
    m = re.match(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value or "")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat() if m else None
    except ValueError:
        return None


def _is_boilerplate(node: LexborNode) -> bool:
    """Menus, footers, share bars and cookie notices, by tag, class, id or ARIA role."""
    tag = node.tag or ""
    if tag in _DROP_TAGS:
        return True
    if tag in ("html", "body", "main", "article"):
        return False
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return bool(_BOILERPLATE.search(names)) or (attrs.get("role") or "").lower() in _BOILERPLATE_ROLES


def _block_text(root: LexborNode) -> str:
    """Text with each block element as its own paragraph; skips boilerplate without mutating the tree."""
    out: list[str] = []
    stack: list[LexborNode | str] = [root]  # iterative, so deeply nested garbage cannot recurse
    while stack:
        item = stack.pop()
        tag = "" if isinstance(item, str) else item.tag or ""
        if isinstance(item, str):
            out.append(item)
        elif tag == "-text":
            out.append(item.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif not tag.startswith("-") and not _is_boilerplate(item):  # "-comment", "-doctype"
            if tag in _BLOCKS:
                out.append("\n\n")
                stack.append("\n\n")
            stack.extend(reversed(list(item.iter(include_text=True))))
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n[^\S\n]*\n", "".join(out)))
    return "\n\n".join(p for p in paragraphs if p)


def _from_html(raw: str, source: str) -> Document:
    """Main content of a news page without menus, footers or scripts, one paragraph per block."""
    tree = LexborHTMLParser(raw)
    og, title_node, h1 = (tree.css_first(s) for s in ('meta[property="og:title"]', "title", "h1"))
    title = (og.attributes.get("content") if og else None) or (title_node.text() if title_node else "")
    title = " ".join((title or "").split()) or (" ".join(h1.text().split()) if h1 else "")
    if " | " in title:  # "Headline | Site name"
        title = max(title.split(" | "), key=len).strip()
    issued = None
    for node in map(tree.css_first, _DATES):
        if node and (
            issued := _iso_date(node.attributes.get("datetime" if node.tag == "time" else "content"))
        ):
            break
    candidates = [_block_text(n) for n in tree.css("article")] or [_block_text(n) for n in tree.css("main")]
    text = max(candidates, key=len, default="")
    if not text and tree.body:
        text = _block_text(tree.body)
    if not text:  # a <title> alone is not a document
        raise InputError(source, EMPTY)
    first = text.split("\n\n", 1)[0].lower()
    if title and title.lower() not in first and first not in title.lower():
        text = f"{title}\n\n{text}"  # the headline leads the text, as in .txt news files
    return document_from_text(text, source, title or None, issued)


# --- PDF ---------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.I)
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-z])")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)]$")


def _join_pdf_lines(page: str, first: bool) -> str:
    """De-hyphenate and join wrapped lines; a short line ending a sentence ends its paragraph."""
    lines = [ln.strip() for ln in _HYPHEN_BREAK.sub(r"\1", page).split("\n")]
    lines = [ln for ln in lines if not _PAGE_NUMBER.fullmatch(ln)]
    width = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        short_end = _ENDS_SENTENCE.search(line) and len(line) < 0.8 * width
        if not line or not nxt:
            out.append("\n")
        elif (first and i == 0) or _BULLET.match(nxt) or short_end:  # title line, bullet, paragraph end
            out.append("\n\n")
        else:
            out.append(" ")
    return "".join(out).strip()


def _from_pdf(data: bytes, source: str) -> Document:
    """Text of every page, paragraphs rebuilt; any parser failure becomes a one-line InputError."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(source, "cannot read PDF (not a PDF file)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(source, "PDF is encrypted (password required)")
        pages = [_join_pdf_lines(page.extract_text() or "", i == 0) for i, page in enumerate(reader.pages)]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types (KeyError, ValueError, zlib.error...) on bad files
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        raise InputError(source, f"cannot read PDF ({reason})") from None
    text = ""
    for page in filter(None, pages):  # a page that ends mid-sentence continues on the next one
        joint = "\n\n" if _ENDS_SENTENCE.search(text) else " "
        text = text + joint + page if text else page
    meta_title = " ".join(str(meta_title).split())
    if meta_title.lower() in ("untitled", "anonymous") or meta_title.lower().endswith((".doc", ".docx")):
        meta_title = ""
    return document_from_text(text, source, meta_title or None)


# --- files -------------------------------------------------------------------------------------


def source_of(path: Path) -> str:
    """The absolute path a document is stored under; a symbolic-link loop is an InputError."""
    try:
        return str(path.resolve())
    except RuntimeError:  # Python < 3.13 reports a loop this way
        raise InputError(str(path.absolute()), LOOP) from None
    except OSError as exc:
        raise InputError(str(path.absolute()), _os_reason(exc)) from None


def read_document(path: Path) -> Document:
    """Read one supported file into a Document; every failure is an InputError naming the file."""
    source, suffix = source_of(path), path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(source, _unsupported(suffix))
    if _not_utf8(source):
        raise InputError(source, NAME_NOT_UTF8)
    data = _read_regular(path, source)
    if not data.strip():
        raise InputError(source, EMPTY)
    if suffix == ".pdf":
        return _dated_by_name(_from_pdf(data, source), path)
    if suffix in (".html", ".htm"):
        declared = re.search(rb"charset=[\"']?([\w-]+)", data[:2048])
        html = _from_html(_decode(data, source, declared[1].decode() if declared else None), source)
        return _dated_by_name(html, path)
    text = _decode(data, source)
    doc = _from_markdown(text, source) if suffix == ".md" else document_from_text(text, source)
    return _dated_by_name(doc, path)


def _dated_by_name(doc: Document, path: Path) -> Document:
    """A document that says nothing of its date takes the one its file name opens with."""
    if doc.issued is not None or (named := date_in_name(path)) is None:
        return doc
    return dataclasses.replace(doc, issued=named)


def _read_regular(path: Path, source: str) -> bytes:
    """The bytes of a regular file, at most MAX_BYTES, counted while reading: a FIFO would block and a
    device (a link to /dev/zero) reports size 0 but never ends."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(source, _not_regular(info.st_mode))
            if info.st_size > MAX_BYTES:
                raise InputError(source, _too_big(f"{info.st_size / 2**20:.1f} MB"))
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(source, _os_reason(exc)) from None
    if len(data) > MAX_BYTES:  # it grew while we read it
        raise InputError(source, _too_big(f"over {MAX_BYTES // 2**20} MB"))
    return data


def _too_big(size: str) -> str:
    return f"file is {size}; the limit is {MAX_BYTES // 2**20} MB"


def _not_regular(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"{kind}, not a regular file; only regular files are read"


def _not_utf8(name: str) -> bool:
    """A name with bytes that are not UTF-8 cannot be stored as the document's source (RDF is Unicode)."""
    return bool(_ESCAPED_BYTE.search(name))


def _unsupported(suffix: str) -> str:
    return f"unsupported file type {suffix or '(none)'!r}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}"


def _os_reason(exc: OSError) -> str:
    """'permission denied' rather than a traceback or the full errno repr."""
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return (exc.strerror or type(exc).__name__).lower()


def find_documents(paths: Iterable[Path]) -> tuple[list[Path], list[InputError]]:
    """Expand folders (recursive, sorted, no hidden entries); collect bad paths rather than stop at one."""
    found: dict[Path, Path] = {}  # resolved -> as given: keeps order, drops duplicates
    errors: list[InputError] = []

    def on_error(exc: OSError) -> None:
        errors.append(InputError(str(exc.filename), _os_reason(exc)))

    for path in paths:
        files: list[Path] = []
        mode, problem = _mode(path)
        if stat.S_ISDIR(mode):
            for folder, dirs, names in os.walk(path, onerror=on_error):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                files += [
                    Path(folder, n)
                    for n in names
                    if n[0] != "." and Path(n).suffix.lower() in SUPPORTED_SUFFIXES
                ]
        elif problem:
            errors.append(InputError(str(path), problem))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            errors.append(InputError(str(path), _unsupported(path.suffix)))
        else:
            files.append(path)
        for file in sorted(files):
            file_mode, problem = _mode(file) if file is not path else (mode, problem)
            if not problem and not stat.S_ISREG(file_mode):
                problem = _not_regular(file_mode)
            if not problem and _not_utf8(str(file)):
                problem = NAME_NOT_UTF8
            try:
                if problem:
                    raise InputError(str(file.absolute()), problem)
                found.setdefault(Path(source_of(file)), file)
            except InputError as exc:
                errors.append(exc)
    return list(found.values()), errors


def _mode(path: Path) -> tuple[int, str | None]:
    """The kind of file `path` names (following links), or why it cannot be looked at."""
    try:
        return path.stat().st_mode, None
    except FileNotFoundError:
        try:
            dangling = stat.S_ISLNK(path.lstat().st_mode)
        except OSError:
            dangling = False
        return 0, "dangling symbolic link" if dangling else "no such file or folder"
    except OSError as exc:
        return 0, LOOP if exc.errno == errno.ELOOP else _os_reason(exc)
