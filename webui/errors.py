"""One readable Chinese sentence, with the fix, for each error the page can meet."""
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
from index.records import KBBusy, KBError, KBMissing, ModelMismatch, QueryRejected
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


def ingest_reason(exc_or_reason: IngestError | str, *, name: str) -> str:
    """A sentence saying why ``name`` (the file name shown to the user) could not be imported."""
    if isinstance(exc_or_reason, TooLarge):
        return f"「{name}」无法导入：{_LIMIT_REASONS.get(exc_or_reason.limit, '文件超过上限')}。"
    if isinstance(exc_or_reason, IngestError):
        for kind, sentence in _INGEST_REASONS:
            if isinstance(exc_or_reason, kind):
                return f"「{name}」无法导入：{sentence}（{exc_or_reason.reason}）。"
        return f"「{name}」无法导入：{exc_or_reason.reason}。"
    return f"「{name}」无法导入：{exc_or_reason}。"


def friendly(exc: BaseException, *, kb_path: str = "kb") -> str:
    """The message ``st.error`` shows for ``exc``: what happened and how to fix it."""
    detail = str(exc).strip()
    if isinstance(exc, KBMissing):
        return f"知识库目录 {kb_path} 不存在或不完整：请运行 `python -m index add corpus/` 建库，或设置环境变量 POLICY_KB 指向已建好的知识库。"
    if isinstance(exc, ModelMismatch):
        return f"知识库是用另一个向量模型建的，与当前模型不一致（{detail}）：请在“知识库”页点击“重建索引”，或用建库时的模型启动。"
    if isinstance(exc, KBBusy):
        return "知识库正在被另一个导入任务写入：请等它完成后刷新页面再试。"
    if isinstance(exc, IngestError):
        return ingest_reason(exc, name=exc.path)
    if isinstance(exc, QueryRejected):
        return (f"检索词过长或结果数超出范围：检索词最多 {LIMITS.max_query_chars} 字（长段文字请用“查先例”页逐句查找），"
                f"结果数为 1 到 {LIMITS.max_k}。")
    if isinstance(exc, KBError):
        return f"知识库出错：{detail}"
    return f"出现意外错误（{type(exc).__name__}: {detail}）：请刷新页面重试；若仍出错，请把这句话发给维护人员。"
