"""The demo county: Qingxi (青溪县), a fictional county at the source of the Qingxi river.

Everything here is invented; names are realistic so that the screens read like the real thing.
"""

from __future__ import annotations

PASSWORD = "qingyuan-demo"
AREA_CODE = "361123"  # fictional county division code used in credit codes

PARK = {
    "code": "qingxi-chem",
    "name": "青溪县化工园区",
    "county": "青溪县",
    "province": "江右省",
    "description": "省政府挂牌督办的重点环境问题所在园区，位于青溪河源头段，园区企业废水经园区污水处理厂处理后排入青溪河。",
    "longitude": "116.412000",
    "latitude": "27.835000",
}

LEADING_GROUP = ("青溪县解决省政府督办重点环境问题领导小组", "领导小组")
OFFICE = ("化工园区污染整治专项办公室", "园区整治办", "设在化工园区，负责日常调度、交办督办和信息汇总。")
TASK_GROUPS = [
    ("关停搬迁组", "负责关停、搬迁、转产企业的组织实施。"),
    ("整治验收组", "负责一厂一策整治方案的实施、专家评审和验收申请。"),
    ("补偿安置组", "负责关停企业补偿回购厂房和土地。"),
    ("执法督查组", "负责环境执法、动态巡查和督查。"),
]
DEPARTMENTS = [
    ("青溪县环境保护局", "县环保局", "统一监督管理园区污染整治，在线监控和执法。"),
    ("青溪县发展和改革委员会", "县发改委", "项目准入和产业规划。"),
    ("青溪县工业和信息化局", "县工信局", "企业转型升级和关停并转。"),
    ("青溪县财政局", "县财政局", "整治和补偿资金保障。"),
    ("青溪县国土资源局", "县国土局", "关停企业土地回购和收储。"),
    ("青溪县住房和城乡建设局", "县住建局", "园区污水管网和污水处理厂建设。"),
    ("青溪县安全生产监督管理局", "县安监局", "危险化学品安全监管。"),
    ("青溪县水利局", "县水利局", "青溪河水资源和河道管理。"),
    ("青溪县监察局", "县监察局", "整治工作纪律监督和问责。"),
    ("青溪县供电公司", "县供电公司", "依法对关停企业停止供电。"),
    ("青溪县环境监察大队", "县监察大队", "日常巡查和现场执法。"),
]
TOWNSHIPS = [
    ("临江镇", "化工园区所在地，负责属地管理和群众工作。"),
    ("青溪镇", "县城所在镇。"),
    ("石桥乡", "园区下游沿河乡。"),
    ("白沙镇", "园区东侧。"),
    ("柳湾乡", "青溪河出境断面所在乡。"),
]

# (name, legal rep, industry, risk, status, linked unit short name, gas outlets)
ENTERPRISES = [
    ("青溪宏达化工有限公司", "王建国", "C26", "major", "rectified", "县环保局", 2),
    ("江右精细化工股份有限公司", "李志强", "C26", "major", "rectifying", "县环保局", 2),
    ("青溪县华丰农药有限公司", "张卫东", "C26", "major", "closed", "县工信局", 1),
    ("临江染料化工有限公司", "刘海波", "C26", "higher", "rectifying", "临江镇", 1),
    ("青溪康源制药有限公司", "陈晓明", "C27", "higher", "operating", "县发改委", 1),
    ("江右新材料科技有限公司", "赵永红", "C26", "higher", "rectified", "县工信局", 2),
    ("青溪县永盛橡塑制品有限公司", "孙立新", "C29", "general", "operating", "临江镇", 1),
    ("青溪天和化学有限公司", "周建华", "C26", "major", "suspended", "县环保局", 1),
    ("江右蓝天氯碱有限公司", "吴国庆", "C26", "major", "rectifying", "县安监局", 2),
    ("青溪县金源油脂化工厂", "郑宏伟", "C26", "general", "closed", "石桥乡", 0),
    ("青溪瑞丰生物科技有限公司", "冯玉兰", "C27", "general", "operating", "县发改委", 1),
    ("青溪县三江化纤有限公司", "陈志刚", "C28", "higher", "rectified", "县工信局", 1),
    ("江右中天医药化工有限公司", "褚明亮", "C27", "higher", "rectifying", "县环保局", 1),
    ("青溪县东方涂料有限公司", "卫春生", "C26", "general", "transformed", "白沙镇", 1),
    ("青溪县鑫达助剂有限公司", "蒋德胜", "C26", "general", "relocated", "县工信局", 1),
    ("青溪华安热电有限公司", "沈国华", "D44", "higher", "operating", "县供电公司", 2),
    ("临江县域污水处理有限公司", "韩秀英", "N77", "higher", "operating", "县住建局", 0),
    ("青溪县长青化肥有限公司", "杨立军", "C26", "major", "rectified", "县环保局", 2),
    ("江右博源化学品有限公司", "朱志勇", "C26", "higher", "operating", "临江镇", 1),
    ("青溪县红星塑料厂", "秦福生", "C29", "general", "closed", "石桥乡", 0),
    ("青溪县腾龙硅业有限公司", "尤文斌", "C26", "higher", "rectifying", "县国土局", 1),
    ("青溪恒通石化有限公司", "许长江", "C25", "major", "operating", "县安监局", 2),
    ("江右绿源环保科技有限公司", "何丽华", "N77", "general", "operating", "县环保局", 1),
    ("青溪县兴隆颜料化工有限公司", "吕大伟", "C26", "higher", "rectifying", "临江镇", 1),
    ("青溪县通达包装材料有限公司", "施建军", "C29", "general", "operating", "白沙镇", 1),
    ("江右海川化学有限公司", "张国栋", "C26", "higher", "operating", "县环保局", 1),
    ("青溪县宝丰饲料添加剂有限公司", "孔庆华", "C26", "general", "suspended", "青溪镇", 1),
    ("青溪县前进化工厂", "曹德明", "C26", "general", "operating", "临江镇", 1),
    ("青溪县利民香料有限公司", "严小平", "C26", "general", "operating", "县发改委", 1),
    ("江右云峰医药中间体有限公司", "华志远", "C27", "higher", "rectified", "县环保局", 1),
]

STATUS_PATH = {
    "operating": [],
    "rectifying": [("start_rectification", "列入一厂一策整治名单，限期整治。")],
    "rectified": [("start_rectification", "列入一厂一策整治名单，限期整治。"),
                  ("finish_rectification", "整治措施全部完成，通过验收。")],
    "suspended": [("suspend", "废水处理设施不能正常运行，责令停产整治。")],
    "closed": [("close", "属于淘汰类落后产能，依法关停。")],
    "relocated": [("relocate", "位于青溪河源头保护区，整体搬迁至省级化工园区。")],
    "transformed": [("transform", "关停涂料生产线，转产水性涂料仓储物流。")],
}

# username, name, position, role, unit short name (None for park level)
ACCOUNTS = [
    ("leader", "林振华", "副县长、领导小组组长", "leader", "领导小组"),
    ("office", "黄文静", "园区整治办副主任", "office_staff", "园区整治办"),
    ("epb", "邓海涛", "县环保局污控股股长", "unit_officer", "县环保局"),
    ("township", "罗春梅", "临江镇副镇长", "unit_officer", "临江镇"),
    ("ent1", "钱立平", "青溪宏达化工环保专员", "enterprise_user", None),
    ("ent2", "潘雪梅", "江右精细化工环保主管", "enterprise_user", None),
    ("inspector", "谢志勇", "县环境监察大队队员", "inspector", "县监察大队"),
    ("expert", "宋学文", "省环科院高级工程师", "expert", None),
    ("supervisor", "江德福", "县人大代表、民主监督组成员", "supervisor", None),
    ("finance", "付晓琳", "县财政局经济建设股股长", "finance", "县财政局"),
    ("admin", "系统管理员", "信息中心", "admin", None),
]
ENTERPRISE_OF = {"ent1": "青溪宏达化工有限公司", "ent2": "江右精细化工股份有限公司"}
