"""English → Korean policy vocabulary, so an English question can be matched word by word.

The embedder is multilingual, but lexical matching (BM25, coverage, the answerability check) needs
the Korean words the documents use. This is general vocabulary of MSIT/MOE press releases, not
a list of questions; an English word missing here still reaches the documents through the
dense retriever, it just cannot count toward coverage.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    # who / how to reach
    "contact": "담당 연락처", "phone": "전화", "phone number": "전화번호", "in charge": "담당",
    "responsible": "담당", "department": "부서", "division": "과", "director": "과장", "deputy director": "사무관",
    "official": "사무관 주무관", "team leader": "팀장", "ministry": "부", "inquiries": "문의", "ask": "문의",
    "ministry of education": "교육부", "ministry of science and ict": "과학기술정보통신부 과기정통부", "msit": "과기정통부",
    # plans and numbers
    "target": "목표", "goal": "목표", "budget": "예산", "won": "원", "secure": "확보", "acquire": "확보",
    "train": "양성", "foster": "양성 육성", "cultivate": "양성", "develop": "개발", "select": "선정", "selected": "선정",
    "designate": "지정", "designated": "지정", "support": "지원", "expand": "확대", "plan": "계획", "strategy": "전략",
    "mission": "미션", "project": "프로젝트", "program": "사업", "programme": "사업", "task force": "TF",
    "launch": "출범", "held": "개최", "hold": "개최", "event": "행사", "ceremony": "식", "competition": "대회",
    "application": "신청 접수", "apply": "신청", "deadline": "마감 까지", "period": "기간", "when": "언제",
    "where": "장소", "how many": "몇", "how much": "얼마", "number": "수", "percent": "%", "increase": "증가",
    "decrease": "감소", "total": "총액", "average": "평균", "monthly": "월평균", "per student": "1인당",
    # subjects
    "ai": "AI 인공지능", "artificial intelligence": "인공지능 AI", "talent": "인재", "talents": "인재",
    "human resources": "인재", "gpu": "GPU", "gpus": "GPU", "data center": "데이터센터", "data": "데이터",
    "semiconductor": "반도체", "startup": "스타트업", "startups": "스타트업", "unicorn": "유니콘",
    "foundation model": "파운데이션 모델", "public sector": "공공", "digital government": "디지털 정부",
    "innovation": "혁신", "research": "연구", "researchers": "연구자", "national research lab": "국가연구소",
    "laboratory": "연구소", "science": "과학기술", "industry": "산업", "robot": "로봇", "bio": "바이오",
    "teacher": "교사 교원", "teachers": "교사 교원", "student": "학생", "students": "학생", "school": "학교",
    "schools": "학교", "university": "대학", "universities": "대학", "college": "대학", "graduate school": "대학원",
    "junior college": "전문대학", "vocational": "직업", "meister": "마이스터고", "elementary": "초등", "middle": "중학교",
    "high school": "고등학교", "adult": "성인", "literacy": "문해", "lifelong": "평생", "scholarship": "장학",
    "student loan": "학자금대출", "loan": "대출", "borrow": "대출", "per year": "연", "annual": "연간",
    "study": "학업", "tuition": "학비", "private education": "사교육비 사교육",
    "private tutoring": "사교육", "spending": "지출", "survey": "조사", "korean language": "한국어",
    "multicultural": "이주배경", "migrant": "이주배경", "australia": "호주", "united states": "미국", "u.s.": "미국",
    "exchange": "교류", "cooperation": "협력", "bootcamp": "부트캠프", "internship": "인턴십", "global": "글로벌",
    "security": "보안", "cyber": "사이버", "safe zone": "안심구역", "tutor": "튜터", "disabilities": "장애",
    "developmental disabilities": "발달장애", "ethics": "윤리", "curriculum": "교육과정", "training": "연수",
    "infrastructure": "인프라 기반", "power": "전력", "quantum": "양자",
    "education": "교육", "committee": "위원회", "joint committee": "공동위원회", "contest": "대회",
    "world contest": "세계대회", "preliminary": "예선", "preliminary round": "예선", "final round": "본선",
    "finals": "본선", "website": "누리집 홈페이지", "team": "팀", "teams": "팀", "personnel": "인력",
    "research personnel": "연구인력", "funding": "지원 지원금", "years": "년간", "household": "가구",
    "households": "가구", "income": "소득", "earning": "소득", "month": "월", "per month": "월", "detect": "탐지",
    "detection": "탐지", "classify": "판별", "accuracy": "정확도", "minute": "분", "threat": "위협", "threats": "위협",
    "encouragement": "장려", "platform": "플랫폼", "center": "센터", "open": "개방 개소", "opened": "개소",
    "hub": "허브", "new": "신규", "pilot": "시범", "service": "서비스", "services": "서비스", "public": "공공 국민",
    "citizens": "국민", "admission": "입학정원", "quota": "정원", "master's": "석사", "doctoral": "박사",
    "phd": "박사", "interest rate": "금리", "limit": "한도", "age": "나이 연령", "eligible": "대상",
    "applicants": "신청자", "award": "시상 수상", "awards": "시상 수상", "prize": "상금", "winners": "수상",
    "participants": "참여 참가", "region": "지역 권역", "regions": "지역 권역", "agreement": "업무협약 협약",
    "mou": "업무협약", "foundation": "재단", "overseas": "해외", "vision": "비전", "certificate": "증명서",
    "certificates": "증명서", "mobile": "모바일 스마트폰", "paper": "종이", "textbook": "교과서",
    "textbooks": "교과서", "digital": "디지털", "literacy education": "문해교육", "semester": "학기",
}
_KEYS = sorted(GLOSSARY, key=len, reverse=True)
_RX = re.compile(r"\b(" + "|".join(re.escape(k) for k in _KEYS) + r")\b", re.I)


def korean_terms(question: str) -> str:
    """The Korean words for the English terms of a question, longest phrases first."""
    return " ".join(dict.fromkeys(GLOSSARY[m.group(1).lower()] for m in _RX.finditer(question)))


def synonym_groups(question: str) -> list[list[str]]:
    """The Korean alternatives of each English term with several ("website" -> 누리집, 홈페이지):
    a passage using any one of them has the term."""
    return [GLOSSARY[m.group(1).lower()].split() for m in _RX.finditer(question)
            if len(GLOSSARY[m.group(1).lower()].split()) > 1]
