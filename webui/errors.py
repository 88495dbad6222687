"""One readable Chinese sentence, with the fix, for each error the page can meet; the English
technical reason (a reader's message, an exception) goes apart, under a fold (``show_error``)."""
from __future__ import annotations

from ingest.records import (
    CorruptFile,
    EmptyDocument,
    EncodingError,
    EncryptedFile,
    ImageOnlyPDF,
    IngestError,
    UnsupportedFormat,
)
from index.records import CorruptKB, KBBusy, KBError, KBMissing, ModelMismatch, QueryRejected
from ingest.limits import LIMITS, TooLarge, mb

# What each limit (ingest.limits.Limits) means, in a sentence with the fix.
_LIMIT_REASONS = {
    "max_file_bytes": f"文件超过 {mb(LIMITS.max_file_bytes)} 的大小上限，请拆分后再上传",
    "max_unzipped_bytes": f"DOCX 解压后超过 {mb(LIMITS.max_unzipped_bytes)}，可能是压缩炸弹，已拒绝",
    "max_zip_ratio": f"DOCX 解压后超过原文件的 {LIMITS.max_zip_ratio} 倍，可能是压缩炸弹，已拒绝",
    "max_pdf_pages": f"PDF 超过 {LIMITS.max_pdf_pages} 页的上限，请拆分后再上传",
    "max_lines": f"文件超过 {LIMITS.max_lines} 行的上限，可能不是政策文件，请拆分后再上传",
    "max_clauses": f"文件切分出的条款超过 {LIMITS.max_clauses} 条的上限，可能不是政策文件，请拆分后再上传",
    "max_clause_chars": f"文件中有一段超过 {LIMITS.max_clause_chars} 字且没有分段或句号，请检查文件内容",
}

_INGEST_REASONS: tuple[tuple[type, str], ...] = (
    (UnsupportedFormat, "文件格式不受支持，请上传 PDF、DOCX、DOC、TXT、MD、网页（HTML/MHTML）或图片（PNG/JPG/TIF） 文件"),
    (ImageOnlyPDF, "扫描版 PDF 无法识别文字，请换一份更清晰的扫描件"),  # no longer raised: scans are OCR'd
    (EncryptedFile, "文件有密码保护，请先解除密码再上传"),
    (CorruptFile, "文件已损坏或无法解析，请确认文件能正常打开后重新上传"),
    (EmptyDocument, "文件中没有可提取的文字，请检查文件内容"),
    (EncodingError, "无法识别文本文件的编码，请另存为 UTF-8 后重新上传"),
)


_REASON_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("password", "encrypted"), "文件有密码保护，请先解除密码再上传"),
    (("is empty", "no text", "no clauses", "没有可提取"), "文件中没有可提取的文字，请检查文件内容"),
    (("encoding", "mojibake"), "无法识别文本文件的编码，请另存为 UTF-8 后重新上传"),
    (("not a Word Document", "renamed .doc", "OLE"), "文件不是 Word 文档（可能是改了扩展名的其他文件），请用 Word 另存为 DOCX 后重新上传"),
    (("unsupported format",), "文件格式不受支持"),
    (("not valid UTF-8",), "文件名包含无法识别的字符，请重命名后重新上传"),
)


def ingest_reason(exc_or_reason: IngestError | str, *, name: str) -> str:
    """A Chinese sentence saying why ``name`` (the file name shown to the user) could not be imported;
    the reader's English reason is not in it (see ``technical``)."""
    if isinstance(exc_or_reason, TooLarge):
        return f"「{name}」无法导入：{_LIMIT_REASONS.get(exc_or_reason.limit, '文件超过上限')}。"
    if isinstance(exc_or_reason, IngestError):
        for kind, sentence in _INGEST_REASONS:
            if isinstance(exc_or_reason, kind):
                return f"「{name}」无法导入：{sentence}。"
        return f"「{name}」无法导入：文件无法解析，请确认文件能正常打开后重新上传。"
    return f"「{name}」无法导入：{reason_sentence(exc_or_reason)}。"


def reason_sentence(reason: str) -> str:
    """A reason as the KB's report gives it (English from the readers, Chinese from the page's own
    checks) as a Chinese sentence."""
    if not reason.isascii() and not any(w in reason for w in ("(", ":")):
        return reason  # already Chinese (the page's own checks)
    for limit, sentence in _LIMIT_REASONS.items():
        if f"(Limits.{limit})" in reason:
            return sentence
    for words, sentence in _REASON_WORDS:
        if any(w in reason for w in words):
            return sentence
    return "文件已损坏或无法解析，请确认文件能正常打开后重新上传"


def technical(exc_or_reason: BaseException | str) -> str:
    """The English technical detail shown under the fold: the reason or ``Type: message``."""
    if isinstance(exc_or_reason, str):
        return exc_or_reason
    if isinstance(exc_or_reason, IngestError):
        return exc_or_reason.reason
    return f"{type(exc_or_reason).__name__}: {exc_or_reason}"


def show_error(sentence: str, detail: str = "", *, where=None) -> None:
    """``st.error`` with the Chinese sentence, and the English detail as plain text under a fold."""
    import streamlit as st

    from webui.safe import as_text

    where = where or st
    where.error(as_text(sentence))
    if detail:
        with where.expander("技术细节（英文）"):
            st.text(detail)


def friendly(exc: BaseException, *, kb_path: str = "kb") -> str:
    """The message ``st.error`` shows for ``exc``: what happened and how to fix it."""
    if isinstance(exc, KBMissing):
        return f"知识库目录 {kb_path} 不存在或不完整：请运行 `python -m index add corpus/` 建库，或设置环境变量 POLICY_KB 指向已建好的知识库。"
    if isinstance(exc, ModelMismatch):
        return "知识库是用另一个向量模型建的，与当前模型不一致：请在“知识库”页点击“重建索引”，或用建库时的模型启动。"
    if isinstance(exc, CorruptKB):
        return (f"知识库数据库 {kb_path}/kb.sqlite 已损坏：请在命令行运行 `python -m index rebuild --reset --kb {kb_path} 原始文件目录` "
                "从原始文件重建（损坏的文件会保留在 damaged-… 目录中，已上传的文件会自动重新导入）。")
    if isinstance(exc, KBBusy):
        return "知识库正在被另一个导入任务写入：请等它完成后刷新页面再试。"
    if isinstance(exc, IngestError):
        return ingest_reason(exc, name=exc.path)
    if isinstance(exc, QueryRejected):
        return (f"检索词过长或结果数超出范围：检索词最多 {LIMITS.max_query_chars} 字（长段文字请用“查先例”页逐句查找），"
                f"结果数为 1 到 {LIMITS.max_k}。")
    if isinstance(exc, KBError):
        return "知识库出错：请查看下方的技术细节，按其中的提示处理后刷新页面。"
    return "出现意外错误：请刷新页面重试；若仍出错，请把下方的技术细节发给维护人员。"
