"""Benchmark (not a test): import a generated WordPress export of --posts posts (50,000 by default) into a
database of its own, and print posts per second and the import's peak memory.

    make bench-import                     # or: ARGS="--posts 5000" make bench-import

The export is written as a stream (classic and block-editor posts in turn, categories two deep, tags,
co-authors, comments, a picture on every 250th post) and imported by `manage.py import_wordpress` in a
child process, whose peak resident memory the kernel reports. Goal: under 10 minutes and 500 MB.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS, GOAL_MB = 600, 500
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Gazette</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example.org</wp:base_site_url>
"""
WORDS = [
    "council",
    "river",
    "bridge",
    "school",
    "vote",
    "budget",
    "court",
    "road",
    "flood",
    "market",
    "harbour",
    "station",
    "rail",
    "police",
    "hospital",
    "library",
    "mayor",
    "winter",
    "summer",
    "stand",
    "season",
    "result",
    "storm",
    "housing",
    "plan",
]  # noqa: SIM905 - words to write stories with, read as prose


def sentence(rng) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18))).capitalize() + "."


def write_export(path: Path, posts: int, media: Path) -> None:
    from PIL import Image

    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(20):
            out.write(
                f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
                f"<wp:author_display_name>Writer {n}</wp:author_display_name></wp:author>\n"
            )
        for n in range(8):
            out.write(
                f"<wp:category><wp:category_nicename>desk{n}</wp:category_nicename><wp:category_parent>"
                f"</wp:category_parent><wp:cat_name>Desk {n}</wp:cat_name></wp:category>\n"
            )
            for m in range(3):
                out.write(f"<wp:category><wp:category_nicename>desk{n}-beat{m}</wp:category_nicename>"
                          f"<wp:category_parent>desk{n}</wp:category_parent>"
                          f"<wp:cat_name>Desk {n} beat {m}</wp:cat_name></wp:category>\n")  # fmt: skip
        for n in range(50):
            out.write(
                f"<wp:tag><wp:tag_slug>topic{n}</wp:tag_slug><wp:tag_name>Topic {n}</wp:tag_name></wp:tag>\n"
            )
        post_id = 100
        for n in range(posts):
            post_id += 2
            thumb = ""
            if n % 250 == 0:
                name = f"2020/01/picture-{n}.jpg"
                (media / name).parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", (1200, 800), (n % 255, 80, 120)).save(media / name, "JPEG")
                out.write(f"<item><title>picture {n}</title><wp:post_id>{post_id + 1}</wp:post_id>"
                          f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
                          f"<wp:attachment_url>https://bench.example.org/wp-content/uploads/{name}</wp:attachment_url>"
                          f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>{name}"
                          f"</wp:meta_value></wp:postmeta></item>\n")  # fmt: skip
                thumb = (f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                         f"<wp:meta_value>{post_id + 1}</wp:meta_value></wp:postmeta>")  # fmt: skip
            paragraphs = [sentence(rng) for _ in range(rng.randint(4, 9))]
            if n % 2:
                body = "".join(
                    f"<!-- wp:paragraph --><p>{p}</p><!-- /wp:paragraph -->\n\n" for p in paragraphs
                )
            else:
                body = "\n\n".join(paragraphs)
            day = 1 + n % 28
            desk, beat = n % 8, n % 3
            out.write(
                f"<item><title>{sentence(rng)[:90]}</title>"
                f"<link>https://bench.example.org/2015/03/{day:02d}/post-{n}/</link>"
                f"<dc:creator>writer{n % 20}</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[{paragraphs[0]}]]></excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id>"
                f"<wp:post_date_gmt>2015-03-{day:02d} 10:00:00</wp:post_date_gmt>"
                f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="desk{desk}-beat{beat}">'
                f"Desk {desk} beat {beat}</category>"
                f'<category domain="post_tag" nicename="topic{n % 50}">Topic {n % 50}</category>{thumb}'
                f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader</wp:comment_author>"
                f"<wp:comment_content>Thanks.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
                f"</wp:comment></item>\n"
            )
        out.write("</channel></rss>\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    env = {**os.environ}
    manage = [sys.executable, str(ROOT / "manage.py")]
    # A clean archive each run: dropped and made again (flush cannot empty the append-only audit log).
    subprocess.run([sys.executable, "-m", "newsroom.ops.dbcreate", "--fresh"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    env |= {"DJANGO_SUPERUSER_PASSWORD": "bench-import-pass"}
    make_user = ["createsuperuser", "--noinput", "--username", "importer", "--email", "i@example.org"]
    subprocess.run([*manage, *make_user], env=env, check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory(prefix="newsroom-wp-bench-") as folder:
        export, media = Path(folder) / "export.xml", Path(folder) / "uploads"
        started = time.monotonic()
        write_export(export, args.posts, media)
        size = export.stat().st_size / 1e6
        print(
            f"[bench-import] export: {args.posts:,} posts, {size:,.0f} MB, "
            f"written in {time.monotonic() - started:.0f} s"
        )
        env["MEDIA_ROOT"] = str(Path(folder) / "media")
        started = time.monotonic()
        command = ["import_wordpress", str(export), "--media-dir", str(media), "--as", "importer"]
        subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT)
        seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = args.posts / seconds
    print(
        f"[bench-import] {args.posts:,} posts in {seconds:,.0f} s: {rate:,.0f} posts/s; "
        f"peak memory {peak_mb:,.0f} MB"
    )
    if args.posts >= 50_000:
        met = seconds < GOAL_SECONDS and peak_mb < GOAL_MB
        print(
            f"[bench-import] goal (< {GOAL_SECONDS // 60} min, < {GOAL_MB} MB): {'met' if met else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
