"""EXPLAIN (ANALYZE, BUFFERS) of every query the measured pages run, with a verdict on index use.

Each page is requested in-process (Django's test client, page cache off) while its SQL is captured; each
SELECT is then explained as it was sent. The verdict names the indexes a plan uses and flags what a
listing must not do on the archive: read a large table in full, sort thousands of rows, spill to disk.
"""

import re
from pathlib import Path

# A table this large (rows) read in full is a finding; small ones (sections, sources) are not.
BIG_TABLE = 10_000
# A sort of more input rows than this in a listing means no index gave the order.
BIG_SORT = 5_000

SCAN = re.compile(
    r"(?P<kind>Parallel Seq Scan|Seq Scan|Index Only Scan(?: Backward)?|Index Scan(?: Backward)?|"
    r"Bitmap Index Scan|Bitmap Heap Scan)(?: using (?P<index>\S+))? on (?P<target>\S+)"
)
ROWS = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)")
TABLE = re.compile(r'\bFROM "?(\w+)"?', re.I)


def nodes(plan: str) -> list[tuple[int, str, int]]:
    """(indent, text, actual rows × loops) of each plan node, in the text plan's order."""
    found = []
    for line in plan.splitlines():
        arrow = line.find("->")
        is_node = arrow >= 0 and not line[:arrow].strip()
        if (is_node or not found) and (rows := ROWS.search(line)):
            text = line[arrow + 2 :].strip() if is_node else line.strip()
            found.append((arrow if is_node else -1, text, int(rows[1]) * int(rows[2])))
    return found


def big_tables(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
        [BIG_TABLE],
    )
    return dict(cursor.fetchall())


def verdict(plan: str, big: dict[str, int]) -> dict:
    """What the plan reads, and what in it would not hold up on the archive."""
    indexes, problems = [], []
    tree = nodes(plan)
    for i, (indent, text, rows) in enumerate(tree):
        if match := SCAN.match(text):
            kind, index, target = match["kind"], match["index"], match["target"]
            if "Seq Scan" in kind and target in big:
                problems.append(f"Seq Scan on {target} ({big[target]:,} rows, {rows:,} kept)")
            elif kind == "Bitmap Index Scan":
                indexes.append(target)
            elif index:
                indexes.append(f"{index}{' (index only)' if kind.startswith('Index Only') else ''}")
        elif re.match(r"(Incremental )?Sort\b", text):
            # A sort's input is its first child, the next node down the text plan.
            child = next((c for c in tree[i + 1 :] if c[0] > indent), None)
            if child and child[2] > BIG_SORT:
                problems.append(f"sorts {child[2]:,} rows")
    if "external merge" in plan or re.search(r"Disk: \d+kB", plan):
        problems.append("spills to disk")
    time = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {
        "ms": float(time.group(1)) if time else None,
        "indexes": list(dict.fromkeys(indexes)),
        "problems": list(dict.fromkeys(problems)),
    }


def describe(sql: str) -> str:
    tables = TABLE.findall(sql)
    head = "COUNT" if re.match(r"\s*SELECT COUNT\(", sql, re.I) else "SELECT"
    return f"{head} {tables[0] if tables else '?'}"


def run(targets, staff_cookie: str, out: Path) -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    name, _, key = staff_cookie.partition("=")
    pages = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with override_settings(PAGE_CACHE_SECONDS=0), out.open("w") as report, connection.cursor() as cursor:
        big = big_tables(cursor)
        for target in targets:
            client = Client(headers={"host": "127.0.0.1"})
            if target.staff:
                client.cookies[settings.SESSION_COOKIE_NAME] = key
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target.path)
            page = {"name": target.name, "path": target.path, "status": response.status_code, "queries": []}
            pages.append(page)
            report.write(f"{'=' * 100}\n{target.name}: {target.path} (HTTP {response.status_code})\n")
            if response.status_code != 200:
                print(f"  {target.name}: HTTP {response.status_code}, not explained")
                continue
            for query in captured.captured_queries:
                sql = query["sql"]
                if not re.match(r"\s*(SELECT|WITH)\b", sql, re.I):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                found = {"query": describe(sql), **verdict(plan, big)}
                page["queries"].append(found)
                report.write(f"\n-- {found['query']}: {found['ms']} ms\n{sql}\n\n{plan}\n")
            print_page(page)
    return pages


def print_page(page: dict) -> None:
    total = sum(q["ms"] or 0 for q in page["queries"])
    print(f"  {page['name']} ({page['path']}): {len(page['queries'])} queries, {total:.1f} ms in SQL")
    for q in page["queries"]:
        # The small lookups (session, site settings, one section) say nothing about the archive.
        if (q["ms"] or 0) < 1 and not q["problems"]:
            continue
        uses = ", ".join(q["indexes"]) or "no index"
        flag = f"  ✗ {'; '.join(q['problems'])}" if q["problems"] else ""
        print(f"    {q['ms']:8.1f} ms  {q['query']:32} {uses}{flag}")
