"""Seed the benchmark archive: 100,000 published stories with a newsroom's skew, loaded with COPY.

One transaction does it all (PostgreSQL DDL is transactional): tables truncated, foreign keys and secondary
indexes dropped, rows copied in, search documents computed, indexes and keys restored. A failure leaves the
database as it was. Only a database whose name contains "bench" is accepted: the command empties tables.
"""

import itertools
import multiprocessing
import random
import signal
import sys
import time
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from taggit.models import Tag, TaggedItem

from articles import search
from articles.models import Article, ArticleAuthor, ArticleSource, Author, Correction, Photo, Section, Source
from newsroom.ops import bulkload
from newsroom.ops.bench_archive import (
    FIRST,
    IMAGE_SIZES,
    LAST,
    OBJECTS,
    PARAGRAPHS,
    PLACES,
    RARE_WORD,
    SECTIONS,
    SOURCES,
    SUBJECTS,
    TAG_WORDS,
    TAILS,
    VERBS,
    cumulative_zipf,
    image_name,
    make_image_files,
    slugify_ascii,
)
from newsroom.ops.bench_archive import (
    paragraphs as make_paragraphs,
)

# Bump when the archive's shape changes: a database seeded by an older version is seeded again.
SEED_VERSION = "archive-v2"
MARKER_TABLE = "bench_archive"
LOADED = [Article, Photo, Author, Section, Source, Tag, TaggedItem, ArticleAuthor, ArticleSource, Correction]


class Command(BaseCommand):
    help = "Seed the benchmark archive (skipped when the database already holds it, unless --reseed)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--reseed", action="store_true", help="Replace an existing archive.")
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--tags", type=int, default=5_000)
        parser.add_argument("--photos", type=int, default=10_000)
        parser.add_argument("--authors", type=int, default=500)
        parser.add_argument("--image-files", type=int, default=200, help="Real files the photo rows share.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed: the same archive every time.")

    def handle(self, *args, **opts):
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(
                f"Refusing to seed {name!r}: this command empties tables. Use a *bench* database."
            )
        marker = self.marker()
        if marker and marker["version"] == SEED_VERSION and not opts["reseed"]:
            self.stdout.write(
                f"Archive already seeded: {marker['articles']:,} articles in {marker['seconds']:.0f} s on "
                f"{marker['seeded_at']:%Y-%m-%d %H:%M} (--reseed to replace it)."
            )
            return
        self.started = time.perf_counter()
        self.rng = random.Random(opts["seed"])
        # A TERM (scripts/bench.sh stopping) must still run the finally below, which stops the child.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        # Renditions are CPU-bound: a second process makes them while this one and PostgreSQL load rows.
        # Forked with no database connection open, so the child shares none.
        connection.close()
        files = multiprocessing.get_context("fork").Process(
            target=make_image_files, args=(opts["image_files"],), daemon=True
        )
        files.start()
        try:
            with transaction.atomic():
                self.load(opts)
                files.join()
                if files.exitcode != 0:
                    raise CommandError(f"making the image files failed (exit code {files.exitcode})")
                self.log(f"{opts['image_files']} image files with renditions ready")
                self.write_marker(opts)
        finally:
            if files.is_alive():
                files.terminate()
        # Outside the transaction: VACUUM sets the visibility map, so index-only scans work as on a live
        # site where autovacuum has run; ANALYZE gives the planner the archive's real skew.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(m._meta.db_table for m in LOADED)}")
            seconds = time.perf_counter() - self.started
            cursor.execute(f"UPDATE {MARKER_TABLE} SET seconds = %s", [seconds])
        self.stdout.write(self.style.SUCCESS(f"Archive seeded in {seconds:.1f} s."))

    def log(self, message):
        self.stdout.write(f"  {time.perf_counter() - self.started:6.1f} s  {message}")

    # --- marker ---------------------------------------------------------------------------------
    def marker(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT version, articles, seconds, seeded_at FROM {MARKER_TABLE}")
            row = cursor.fetchone()
        return dict(zip(["version", "articles", "seconds", "seeded_at"], row, strict=True)) if row else None

    def write_marker(self, opts):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(version text, articles int, seconds float, seeded_at timestamptz DEFAULT now())"
            )
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (version, articles, seconds) VALUES (%s, %s, %s)",
                [SEED_VERSION, opts["articles"], time.perf_counter() - self.started],
            )

    # --- the load -------------------------------------------------------------------------------
    def load(self, opts):
        raw = connection.cursor().cursor  # psycopg's own cursor, for COPY
        # CASCADE also empties what hangs off articles (revisions, transitions, gallery items...).
        raw.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in LOADED)} RESTART IDENTITY CASCADE")
        raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
        raw.execute("SET LOCAL work_mem = '64MB'")
        # Building an index or checking a foreign key once, in bulk, is many times faster than per row.
        restore = bulkload.drop_keys_and_indexes(raw, LOADED)
        ids = self.load_taxonomy(raw, opts)
        self.load_photos(raw, opts, ids["sources"])
        self.load_articles(raw, opts, ids)
        self.check_search_vectors(raw)
        for model in LOADED:
            table = model._meta.db_table
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) "
                f"FROM {table}"
            )
        for statement in restore:
            raw.execute(statement)
        self.log(f"{len(restore)} indexes and foreign keys rebuilt")

    def load_taxonomy(self, raw, opts):
        rng = self.rng
        sections = {}
        for order, (slug, name, parent, _share) in enumerate(SECTIONS):
            sections[slug] = Section.objects.create(
                slug=slug,
                name=name,
                parent=sections.get(parent),
                order=order,
                show_in_nav=parent is None,
                description=f"News and analysis: {name.lower()}.",
            )
        sources = Source.objects.bulk_create(
            Source(
                name=name, slug=slugify_ascii(name), kind=kind, url=f"https://{slugify_ascii(name)}.example"
            )
            for name, kind in SOURCES
        )
        names = [f"{first} {last}" for last in LAST for first in FIRST]
        rng.shuffle(names)
        authors = []
        for i in range(opts["authors"]):
            # The first bylines are the wire services': the most prolific, as on a real site.
            agency = i < 3
            name = f"{SOURCES[i][0]} staff" if agency else names[i % len(names)]
            bio = "" if agency else "Reporter."
            authors.append((i + 1, name, slugify_ascii(name), bio, agency))
        bulkload.copy_rows(raw, Author, ["id", "name", "slug", "bio", "is_agency"], authors)
        words = list(dict.fromkeys(TAG_WORDS + PLACES))
        pairs = [f"{a} {b.lower()}" for a in words for b in words if a != b]
        # Tag 1 is the most used (Zipf rank 1): a one-word tag such as "Russia", as on a real site.
        tag_names = TAG_WORDS + rng.sample(pairs, opts["tags"] - len(TAG_WORDS))
        slugs = {}
        for name in tag_names:  # "Bogotá" and "Bogot" would share a slug: the second gets a suffix
            slug = slugify_ascii(name)
            slugs[f"{slug}-{len(slugs)}" if slug in slugs else slug] = name
        bulkload.copy_rows(
            raw, Tag, ["id", "name", "slug"], [(i + 1, n, s) for i, (s, n) in enumerate(slugs.items())]
        )
        self.log(
            f"{len(sections)} sections, {len(sources)} sources, {len(authors)} authors, {len(slugs)} tags"
        )
        return {
            "sections": [sections[slug].pk for slug, *_ in SECTIONS],
            "sources": [s.pk for s in sources],
            "tag_names": tag_names,
            "content_type": ContentType.objects.get_for_model(Article).pk,
        }

    def load_photos(self, raw, opts, source_ids):
        rng, n_photos, n_files = self.rng, opts["photos"], opts["image_files"]
        now = datetime.now(UTC)
        rows = []
        for pk in range(1, n_photos + 1):
            k = (pk - 1) % n_files
            w, h = IMAGE_SIZES[k % len(IMAGE_SIZES)]
            credit = rng.choice(source_ids) if rng.random() < 0.6 else None
            rows.append((
                pk, image_name(k), w, h, f"Scene in {rng.choice(PLACES)} on the day of the vote",
                f"A street in {rng.choice(PLACES)} with people walking past shops", credit,
                "" if credit else f"{rng.choice(FIRST)} {rng.choice(LAST)}", "agency" if credit else "own",
                now - timedelta(days=3650 * (n_photos - pk) / n_photos),
            ))  # fmt: skip
        columns = ["id", "image", "width", "height", "caption", "alt_text", "credit_source_id", "credit_text",
                   "rights", "uploaded_at"]  # fmt: skip
        bulkload.copy_rows(raw, Photo, columns, rows)
        self.log(f"{n_photos:,} photos")

    def load_articles(self, raw, opts, ids):
        """Articles with bylines, attributions, tags and corrections, and their search documents."""
        rng, n, n_tags, n_authors = self.rng, opts["articles"], opts["tags"], opts["authors"]
        paragraphs = make_paragraphs(self.rng, PARAGRAPHS)
        rare = rng.sample(range(n), 12)
        for _ in rare:  # a paragraph of its own for each story with the rare word
            paragraphs.append(f"A {RARE_WORD} was seen off the coast. " + rng.choice(paragraphs))
        rare = dict(zip(rare, range(PARAGRAPHS, len(paragraphs)), strict=True))
        now = datetime.now(UTC)
        # Ten years of stories, ids in publication order as on a real site; the newest an hour old.
        newest, span = now - timedelta(hours=1), 3650 * 86400
        ages = sorted((rng.random() for _ in range(n)), reverse=True)
        shares = list(itertools.accumulate(share for *_, share in SECTIONS))
        section_of = rng.choices(ids["sections"], cum_weights=shares, k=n)
        tag_weights, author_weights = cumulative_zipf(n_tags, 1.0), cumulative_zipf(n_authors, 0.9)
        tag_ids, author_ids, tag_names = range(1, n_tags + 1), range(1, n_authors + 1), ids["tag_names"]
        ct = ids["content_type"]
        articles, bylines, attributions, tagged = [], [], [], []
        for i in range(n):
            pk = i + 1
            published = newest - timedelta(seconds=span * ages[i])
            headline = (
                f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                f"{rng.choice(TAILS)}"
            ).rstrip()
            body = rng.sample(range(PARAGRAPHS), rng.randint(3, 7))
            if i in rare:
                body[0] = rare[i]
            tags = list(dict.fromkeys(rng.choices(tag_ids, cum_weights=tag_weights, k=rng.randint(2, 6))))
            standfirst = (
                f"{rng.choice(SUBJECTS)} said the {rng.choice(OBJECTS)} would go ahead {rng.choice(TAILS)}"
            )
            articles.append((
                pk, headline, f"{slugify_ascii(headline)[:150]}-{pk}", standfirst.rstrip() + ".",
                section_of[i], "published", published, published,
                published + timedelta(minutes=rng.randint(1, 90)),
                rng.randint(1, opts["photos"]) if rng.random() < 0.85 else None, rng.randint(1, 4),
                body, " ".join(tag_names[t - 1] for t in tags),
            ))  # fmt: skip
            people = rng.choices(author_ids, cum_weights=author_weights, k=rng.choice((1, 1, 1, 1, 2, 2, 3)))
            bylines.extend((pk, author, order) for order, author in enumerate(dict.fromkeys(people)))
            if rng.random() < 0.3:
                attributions.append((pk, rng.choice(ids["sources"]), 0))
            tagged.extend((pk, ct, tag) for tag in tags)
        # A working newsroom also holds stories in progress, which must never reach a public page.
        for pk in range(n + 1, n + n // 100 + 1):
            headline = f"Draft: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            status = rng.choice(("draft", "review", "unpublished"))
            articles.append((
                pk, headline, f"{slugify_ascii(headline)}-{pk}", "", rng.choice(ids["sections"]), status,
                newest if status == "unpublished" else None, now, now, None, 1,
                [rng.randrange(PARAGRAPHS)], "",
            ))  # fmt: skip
        self.log(f"{len(articles):,} articles generated")
        self.copy_articles(raw, articles, paragraphs)
        self.log(
            f"{len(articles):,} articles with their search documents ({len(articles) - n:,} not published)"
        )
        bulkload.copy_rows(raw, ArticleAuthor, ["article_id", "author_id", "order"], bylines)
        bulkload.copy_rows(raw, ArticleSource, ["article_id", "source_id", "order"], attributions)
        bulkload.copy_rows(raw, TaggedItem, ["object_id", "content_type_id", "tag_id"], tagged)
        note = "An earlier version of this story misspelt a minister's name."
        corrections = [(pk, "correction", note, now) for pk in rng.sample(range(1, n + 1), 300)]
        bulkload.copy_rows(raw, Correction, ["article_id", "kind", "text", "created_at"], corrections)
        self.log(
            f"{len(bylines):,} bylines, {len(tagged):,} tag links, {len(attributions):,} attributions, "
            f"{len(corrections)} corrections"
        )

    def copy_articles(self, raw, articles, paragraphs):
        """Stage the rows, then write each article once, with its body and search document.

        The document is articles.search's (headline A, standfirst and tags B, body C, sections D), built
        faster: to_tsvector parses a few MB/s and the bodies are 180 MB, but they are made of 20,000
        distinct paragraphs. Each paragraph is parsed once, and a body's vector is its paragraphs' joined
        with || (which shifts positions as parsing the whole body would). check_search_vectors compares
        a sample with articles.search's own UPDATE.
        """
        raw.execute("SET LOCAL temp_buffers = '128MB'")
        # lz4 compresses the bodies and vectors (TOAST) several times faster than the default pglz.
        raw.execute("SET LOCAL default_toast_compression = lz4")
        raw.execute("CREATE TEMP TABLE bench_text (id int, html text) ON COMMIT DROP")
        with raw.copy("COPY bench_text FROM STDIN") as copy:
            for i, text in enumerate(paragraphs):
                copy.write_row((i, f"<p>{text}</p>"))

        def weighted(text, weight):
            return f"setweight(to_tsvector('{search.CONFIG}', unaccent(coalesce({text}, ''))), '{weight}')"

        raw.execute(
            "CREATE TEMP TABLE bench_paragraph ON COMMIT DROP AS SELECT id, html, "
            f"{weighted(search.BODY_TEXT_SQL.format(body='html'), 'C')} AS vector FROM bench_text"
        )
        raw.execute("ALTER TABLE bench_paragraph ADD PRIMARY KEY (id)")
        raw.execute(
            "CREATE AGGREGATE pg_temp.tsvector_agg (tsvector) "
            "(SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')"
        )
        raw.execute(
            "CREATE TEMP TABLE bench_article ON COMMIT DROP AS SELECT * FROM articles_article WITH NO DATA"
        )
        raw.execute("ALTER TABLE bench_article ADD paragraphs int[], ADD tag_names text")
        columns = [
            "id", "headline", "slug", "standfirst", "section_id", "status", "published_at", "created_at",
            "updated_at", "lead_photo_id", "version", "paragraphs", "tag_names",
        ]  # fmt: skip
        bulkload.copy_rows(raw, Article, columns, articles, table="bench_article")
        document = " || ".join([
            weighted("a.headline", "A"), weighted("a.standfirst", "B"), weighted("a.tag_names", "B"),
            "b.vector", weighted("concat_ws(' ', s.name, parent.name)", "D"),
        ])  # fmt: skip
        computed = {
            "body": "b.body",
            "search_vector": document,
            "top_section_id": "coalesce(s.parent_id, s.id)",
        }
        fields = [f.column for f in Article._meta.concrete_fields]
        raw.execute(
            f"INSERT INTO articles_article ({', '.join(f'"{c}"' for c in fields)}) "
            f"SELECT {', '.join(computed.get(c, f'a."{c}"') for c in fields)} FROM bench_article a "
            "JOIN articles_section s ON s.id = a.section_id "
            "LEFT JOIN articles_section parent ON parent.id = s.parent_id "
            "CROSS JOIN LATERAL ("
            "  SELECT string_agg(para.html, '' ORDER BY u.n) AS body,"
            "  pg_temp.tsvector_agg(para.vector ORDER BY u.n) AS vector"
            "  FROM unnest(a.paragraphs) WITH ORDINALITY u(id, n) JOIN bench_paragraph para USING (id)"
            ") b"
        )

    def check_search_vectors(self, raw, sample=30):
        """Recompute a sample with articles.search and compare lexemes and weights (not positions)."""
        ids = self.rng.sample(range(1, Article.objects.count() + 1), sample)
        query = (
            "SELECT a.id, l.lexeme, array_to_string(ARRAY(SELECT DISTINCT unnest(l.weights) ORDER BY 1), '') "
            "FROM articles_article a, unnest(a.search_vector) l WHERE a.id = ANY(%s)"
        )
        raw.execute(query, [ids])
        ours = set(raw.fetchall())
        search.update_search_vectors(ids)
        raw.execute(query, [ids])
        if ours != set(raw.fetchall()):
            self.stderr.write(
                "The seeded search documents differ from articles.search's: rebuilding them all the slow "
                "way. Update seed_archive.copy_articles to match."
            )
            search.update_search_vectors(range(1, Article.objects.count() + 1))
