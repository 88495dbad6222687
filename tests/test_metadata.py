"""Metadata read from the text: dates, 发文字号, 文种, titles, issuers."""
from ingest.dates import parse_date
from ingest.furniture import drop_closing_block
from ingest.metadata import doc_type_of, parse_doc_number, split_meta
from ingest.normalize import SourceLine


def test_dates_arabic_and_chinese_numerals():
    assert parse_date("2024年4月2日") == "2024-04-02"
    assert parse_date("西咸新区研究院 2024年 4月 2日") == "2024-04-02"
    assert parse_date("二〇二四年四月二日") == "2024-04-02"
    assert parse_date("二〇一九年十二月二十日") == "2019-12-20"
    assert parse_date("无日期") is None


def test_doc_numbers_normalise_brackets():
    assert parse_doc_number("国发〔2021〕3号") == "国发〔2021〕3号"
    assert parse_doc_number("陕政办发[2022]12号") == "陕政办发〔2022〕12号"
    assert parse_doc_number("发改办财金规（2019）860号") == "发改办财金规〔2019〕860号"
    assert parse_doc_number("南府办【2016】71号") == "南府办〔2016〕71号"


def test_doc_type_from_title_ending():
    assert doc_type_of("关中平原城市群建设“十四五”实施方案") == "方案"
    assert doc_type_of("关于加强个人所得税纳税信用建设的通知") == "通知"
    assert doc_type_of("某某省促进就业办法（试行）") == "办法"
    assert doc_type_of("广西壮族自治区国民经济和社会发展第十三个五年规划纲要") == "规划"
    assert doc_type_of("2024年北京市政府工作报告") == "报告"
    assert doc_type_of("中华人民共和国专利法") == "法"


def _split(*texts):
    return split_meta([SourceLine(t) for t in texts], source="dir/文件.txt")


def test_govdoc_header_and_signature():
    s = _split("发展改革委办公厅 文件", "税务总局办公厅", "发改办财金规〔2019〕860号", "关于加强个人所得税纳税信用建设的通知",
               "各省、自治区、直辖市社会信用体系建设牵头部门：", "为贯彻落实有关规定，现通知如下。", "一、总体要求",
               "坚持依法推进原则。", "国家发展改革委办公厅", "税务总局办公厅", "2019年8月20日")
    m = s.meta
    assert (m.title, m.doc_number, m.date, m.doc_type) == (
        "关于加强个人所得税纳税信用建设的通知", "发改办财金规〔2019〕860号", "2019-08-20", "通知")
    assert m.issuer == "国家发展改革委办公厅、税务总局办公厅"
    assert s.body == (False,) * 5 + (True,) * 3 + (False,) * 3


def test_multiline_title_masthead_author_and_distribution_block():
    lines = [SourceLine(t) for t in (
        "西咸新区研究院 2024年 4月 2日", "聚焦高质量发展 聚力一体化进程", "纵深推进西安—咸阳一体化建设的思考建议",
        "西咸研究院课题组", "正文第一段。", "正文第二段。", "正文第三段。", "送：西咸新区管委会。", "省委政研室。",
        "发：各新城管委会。")]
    # the distribution block is furniture: the furniture pass drops it before metadata is read
    kept = drop_closing_block(lines)
    assert kept == lines[:7]
    s = split_meta(kept, source="dir/文件.txt")
    m = s.meta
    assert m.title == "聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议"
    assert (m.date, m.author, m.issuer) == ("2024-04-02", "西咸研究院课题组", "西咸新区研究院")
    assert s.body == (False,) * 4 + (True,) * 3


def test_no_title_block_falls_back_to_file_name():
    s = _split("根据《中共广西壮族自治区委员会关于制定国民经济和社会发展第十三个五年规划的建议》，编制本规划纲要。", "第一章 发展环境")
    assert s.meta.title == "文件"
    assert s.body == (True, True)


# --- rules added in round 2 ----------------------------------------------------
from ingest.blocks import fold_inner_blocks, is_org_line  # noqa: E402
from ingest.metadata import title_issuers  # noqa: E402


def test_title_lines_join_without_line_break_spaces_and_issuers_come_from_the_title():
    s = _split("海南省农业农村厅 海南省财政厅", "关于印发2024-2026年海南省农机", "购置与应用补贴实施方案的通知",
               "各市、县、自治县农业农村局、财政局：", "为规范实施补贴政策，现将方案印发给你们。")
    assert s.meta.title == "海南省农业农村厅 海南省财政厅关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知"
    assert s.meta.issuer == "海南省农业农村厅、海南省财政厅"
    assert title_issuers("南宁市人民政府办公厅关于印发南宁市科学技术发展“十三五”专项规划的通知") == ["南宁市人民政府办公厅"]
    assert title_issuers("关于加强个人所得税纳税信用建设的通知") == []


def test_spaced_masthead_office_joins_the_organ_above_it():
    s = _split("南宁市人民政府", "办 公 厅 文 件", "南府办〔2016〕71号", "南宁市人民政府办公厅关于印发南宁市", "科学技术发展规划的通知",
               "各县、区人民政府：", "现印发给你们，请认真组织实施。")
    assert (s.meta.issuer, s.meta.doc_number) == ("南宁市人民政府办公厅", "南府办〔2016〕71号")
    assert s.meta.title == "南宁市人民政府办公厅关于印发南宁市科学技术发展规划的通知"


def test_full_width_first_line_of_a_wrapped_paragraph_is_not_a_title_line():
    full = "农业农村现代化关系中国式现代化全局和成色。十四五时期农业综合"  # 30 em
    s = _split("2026年中央一号文件", "党的十八大以来第14个指导“三农”工作的中央一号文件2月3日由", "新华社受权发布，对推进乡村全面振兴进行了部署。",
               *[full] * 8)
    assert s.meta.title == "2026年中央一号文件"
    assert s.body[:3] == (False, True, True)


def test_web_byline_and_year_month_date():
    s = _split("广西工业和信息化发展“十三五”规划", "广西壮族自治区工业和信息化委员会 2017-06-14 14:40", "2016年11月", "前 言",
               "本规划阐明发展的指导思想。")
    assert (s.meta.issuer, s.meta.date) == ("广西壮族自治区工业和信息化委员会", "2016-11")
    assert s.body == (False, False, False, True, True)


def test_markdown_law_title_and_the_date_of_its_latest_version():
    lines = [SourceLine("上海口岸服务条例", hint=1), SourceLine("2011年11月17日 上海市第十三届人民代表大会常务委员会第三十次会议通过"),
             SourceLine("2020年5月14日 上海市第十五届人民代表大会常务委员会第二十一次会议《关于修改本市部分地方性法规的决定》第一次修正"),
             SourceLine("第一章 总则", hint=2), SourceLine("第一条 为了规范口岸开放，制定本条例。")]
    s = split_meta(lines, source="laws/上海口岸服务条例(2020-05-14).md")
    assert (s.meta.title, s.meta.date, s.meta.doc_type) == ("上海口岸服务条例", "2020-05-14", "条例")
    assert s.body == (False, False, False, True, True)


def test_inner_signature_is_metadata_and_the_attached_title_a_top_heading():
    lines = [SourceLine(t) for t in ("现将《实施方案》印发给你们，请遵照执行。", "海南省农业农村厅 海南省财政厅", "2024年7月1日",
                                     "（此件主动公开）", "2024—2026年海南省", "农机购置与应用补贴实施方案", "一、总体要求")]
    inner = fold_inner_blocks(lines)
    assert (inner.date, inner.issuers) == ("2024-07-01", ("海南省农业农村厅", "海南省财政厅"))
    assert [(l.text, l.hint) for l in inner.lines] == [
        ("现将《实施方案》印发给你们，请遵照执行。", None), ("2024—2026年海南省农机购置与应用补贴实施方案", 0), ("一、总体要求", None)]
    assert is_org_line("海南省农业农村厅 海南省财政厅") and not is_org_line("请遵照执行。")


def test_attachment_marker_and_its_title_become_one_heading():
    lines = [SourceLine(t) for t in ("（五）加强监管。", "附件", "补贴机具种类范围", "（21大类91个品目）", "1.耕整地机械")]
    inner = fold_inner_blocks(lines)
    assert [(l.text, l.hint) for l in inner.lines] == [
        ("（五）加强监管。", None), ("附件 补贴机具种类范围（21大类91个品目）", 0), ("1.耕整地机械", None)]


def test_a_date_inside_running_text_is_left_alone():
    lines = [SourceLine(t) for t in ("截至", "2024年7月1日", "全省已完成任务。")]
    assert fold_inner_blocks(lines).lines == tuple(lines)


def test_markdown_code_volume_title_and_passing_date_before_entry_into_force():
    lines = [SourceLine("中华人民共和国民法典", hint=1), SourceLine("物权编", hint=1),
             SourceLine("2020年5月28日 第十三届全国人民代表大会第三次会议通过"), SourceLine("2021年1月1日 施行"),
             SourceLine("第一分编 通则", hint=2)]
    s = split_meta(lines, source="laws/民法典/物权编.md")
    assert (s.meta.title, s.meta.date) == ("中华人民共和国民法典 物权编", "2020-05-28")
    assert s.body == (False, False, False, False, True)


def test_markdown_law_info_block_is_metadata_although_the_reader_drops_its_marker(tmp_path):
    """The Markdown reader drops ``<!-- INFO END -->``; the block above it (the title repeated
    over two lines, a 修正 line wrapped over three) is still metadata, and its last 修正 line
    dates the version (地方各级人民代表大会和地方各级人民政府组织法 in ../shared/laws)."""
    from ingest.pipeline import parse_file

    md = ("# 中华人民共和国某某组织法\n\n中华人民共和国某某\n\n组织法\n\n"
          "1979年7月1日 第五届全国人民代表大会第二次会议通过\n\n"
          "2015年8月29日 第十二届全国人民代表大会常务委员会第十六次会议《关于修改〈中华人民共和国某某组织法〉\n\n"
          "〈中华人民共和国选举法〉\n\n〈中华人民共和国代表法〉的决定》第五次修正\n\n"
          "2022年3月11日 第十三届全国人民代表大会第五次会议《关于修改〈中华人民共和国某某组织法〉的决定》第六次修正\n\n"
          "<!-- INFO END -->\n\n第一条 为了规范组织，制定本法。\n")
    path = tmp_path / "某某 组织法(2022-03-11).md"
    path.write_text(md, encoding="utf-8")
    doc = parse_file(path)
    assert (doc.meta.title, doc.meta.date) == ("中华人民共和国某某组织法", "2022-03-11")
    assert [c.text for c in doc.clauses] == ["第一条 为了规范组织，制定本法。"]


def test_markdown_without_a_dated_info_block_keeps_its_first_lines():
    lines = [SourceLine("某某通知", hint=1), SourceLine("各区县人民政府"), SourceLine("总则"),
             SourceLine("为了加强管理，特制定本通知。")]
    assert split_meta(lines, source="x.md").body == (False, True, True, True)


def test_chinese_dates_every_month_and_day():
    from ingest.readers.docx import chinese_number

    for month in range(1, 13):
        for day in (1, 9, 10, 11, 19, 20, 21, 29, 30, 31):
            text = f"二〇二四年{chinese_number(month)}月{chinese_number(day)}日"
            assert parse_date(text) == f"2024-{month:02d}-{day:02d}", text


# --- the readers of the top and the bottom return records ---------------------------
from ingest.metadata import Signature, TopBlock, read_signature, read_top  # noqa: E402


def test_top_block_is_a_record_of_what_the_top_says():
    lines = [SourceLine(t) for t in ("发展改革委办公厅 文件", "发改办财金规〔2019〕860号", "关于加强信用建设的通知",
                                     "2019年8月20日", "各省、自治区、直辖市发展改革委：", "为贯彻落实有关规定，现通知如下。")]
    assert read_top(lines) == TopBlock(end=4, title_parts=("关于加强信用建设的通知",), orgs=("发展改革委办公厅",),
                                       date="2019-08-20", doc_number="发改办财金规〔2019〕860号", addressee=True)


def test_signature_is_the_organs_above_the_last_date():
    texts = ["关于加强信用建设的通知", "一、总体要求", "坚持依法推进原则。", "国家发展改革委办公厅", "税务总局办公厅", "2019年8月20日"]
    assert read_signature(texts, top_end=1) == Signature(start=3, end=6, date="2019-08-20",
                                                         orgs=("国家发展改革委办公厅", "税务总局办公厅"))
    assert read_signature(texts[:-1], top_end=1) == Signature(start=5, end=5)  # no date last: no signature
