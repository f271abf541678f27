"""HTML print layouts to PDF with WeasyPrint: nothing fetched from outside, the stylesheet
parsed once per process, big batches rendered in chunks (in parallel processes when
there are several) and joined into one file."""
from __future__ import annotations

import gc
import io
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache

from pypdf import PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from market import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "templates" / "print" / "signs.css"
# Allocations between two collections of young objects while signs print (Python's
# default is 700).
PRINTING_GC_THRESHOLD = 100_000


def url_fetcher() -> URLFetcher:
    """A fetcher that refuses every URL but inline ``data:`` ones: a sign depends on
    nothing outside the document, and a crafted name cannot make the server fetch a URL."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def stylesheet() -> CSS:
    """The print stylesheet, parsed once per process."""
    return CSS(filename=str(STYLESHEET), url_fetcher=url_fetcher(), font_config=font_config())


def html_to_pdf(html: str) -> bytes:
    """One HTML document (all the pages of a chunk) as PDF bytes.

    The layout leaves its boxes and drawings behind as reference cycles; they are
    collected as soon as the PDF is written, in one pass over the chunk's own objects
    (run under :func:`collector_tuned_for_printing`, everything older is frozen), so a
    batch holds the garbage of one chunk at most, however many chunks it has.
    """
    try:
        document = HTML(string=html, url_fetcher=url_fetcher())
        return document.write_pdf(stylesheets=[stylesheet()], font_config=font_config())
    finally:
        gc.collect()


def render_chunks(chunks: Iterable[str], *, processes: int = 1,
                  progress: Callable[[int], None] | None = None) -> bytes:
    """Render HTML documents and join their pages, in order, into one PDF.

    With ``processes`` > 1 the documents are rendered by that many forked workers (each
    keeps its own parsed stylesheet); ``progress`` is called with each finished index.
    """
    chunks = list(chunks)
    stylesheet()  # parsed before forking, so the workers inherit it
    with collector_tuned_for_printing():
        if len(chunks) == 1:
            pdf = html_to_pdf(chunks[0])
            if progress:
                progress(0)
            return pdf
        processes = max(1, min(processes, len(chunks), os.cpu_count() or 1))
        if processes == 1:
            parts = (html_to_pdf(chunk) for chunk in chunks)
            return join_pdfs(parts, progress)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            return join_pdfs(pool.map(html_to_pdf, chunks), progress)


class _CollectorSettings:
    """How many prints are running in this process, and the collector settings to restore
    when the last one ends."""

    lock = threading.Lock()
    prints = 0
    threshold: tuple[int, ...] = ()


@contextmanager
def collector_tuned_for_printing() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of the way while signs print.

    Laying out a document creates hundreds of thousands of objects that live until its
    PDF is written; with the default settings the collector walks them, and every object
    of the application, over and over: about a quarter of the rendering time. While a print
    runs, the objects that existed before it are frozen out of the collector's sight
    (which also keeps forked workers from touching, and so copying, the memory they share
    with this process) and young objects are collected far less often; afterwards both
    settings are restored. Nested and concurrent prints share one setting.
    """
    settings = _CollectorSettings
    with settings.lock:
        if settings.prints == 0:
            settings.threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(PRINTING_GC_THRESHOLD, *settings.threshold[1:])
        settings.prints += 1
    try:
        yield
    finally:
        with settings.lock:
            settings.prints -= 1
            if settings.prints == 0:
                gc.set_threshold(*settings.threshold)
                gc.unfreeze()


def join_pdfs(parts: Iterable[bytes], progress: Callable[[int], None] | None = None) -> bytes:
    """Concatenate PDF documents page by page."""
    writer = PdfWriter()
    for index, part in enumerate(parts):
        writer.append(io.BytesIO(part))
        if progress:
            progress(index)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
