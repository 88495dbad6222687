"""Metadata read from the text: dates, 发文字号, 文种, titles, issuers."""
from ingest.metadata import doc_type_of, parse_date, parse_doc_number, split_meta
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
    s = _split("西咸新区研究院 2024年 4月 2日", "聚焦高质量发展 聚力一体化进程", "纵深推进西安—咸阳一体化建设的思考建议",
               "西咸研究院课题组", "正文第一段。", "正文第二段。", "正文第三段。", "送：西咸新区管委会。", "省委政研室。",
               "发：各新城管委会。")
    m = s.meta
    assert m.title == "聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议"
    assert (m.date, m.author, m.issuer) == ("2024-04-02", "西咸研究院课题组", "西咸新区研究院")
    assert s.body == (False,) * 4 + (True,) * 3 + (False,) * 3


def test_no_title_block_falls_back_to_file_name():
    s = _split("根据《中共广西壮族自治区委员会关于制定国民经济和社会发展第十三个五年规划的建议》，编制本规划纲要。", "第一章 发展环境")
    assert s.meta.title == "文件"
    assert s.body == (True, True)
