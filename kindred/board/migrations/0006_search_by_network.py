"""SQLite: the full-text table also indexes each post's network, so a search in a person's boards
starts from their networks' posts instead of every match in the country.

A common word in a year of a national board (500,000 posts) matched about 300,000 of them; checking
each of a teacher's posts against it took 3 s. With the network as a token (`n<id>` in the column
`net`), FTS5 intersects the short list of the person's networks with the word's list itself.
PostgreSQL is unchanged (its planner already starts from the person's networks).
"""

from django.db import migrations

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

SQLITE = [
    "DROP TRIGGER IF EXISTS board_post_fts_insert",
    "DROP TRIGGER IF EXISTS board_post_fts_update",
    "DROP TRIGGER IF EXISTS board_post_fts_delete",
    "DROP TRIGGER IF EXISTS board_thread_fts_title",
    "DROP TABLE IF EXISTS board_post_fts",
    f"CREATE VIRTUAL TABLE board_post_fts USING fts5(title, body, net, {TOKENIZE})",
    """CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN
         INSERT INTO board_post_fts (rowid, title, body, net)
         VALUES (new.id, (SELECT title FROM board_thread WHERE id = new.thread_id), new.body,
                 'n' || new.network_id);
       END""",
    """CREATE TRIGGER board_post_fts_update AFTER UPDATE OF body ON board_post BEGIN
         UPDATE board_post_fts SET body = new.body WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN
         DELETE FROM board_post_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER board_thread_fts_title AFTER UPDATE OF title ON board_thread BEGIN
         UPDATE board_post_fts SET title = new.title
         WHERE rowid IN (SELECT id FROM board_post WHERE thread_id = new.id);
       END""",
    "INSERT INTO board_post_fts (rowid, title, body, net) "
    "SELECT p.id, t.title, p.body, 'n' || p.network_id FROM board_post p JOIN board_thread t ON t.id = p.thread_id",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS board_post_fts_insert",
    "DROP TRIGGER IF EXISTS board_post_fts_update",
    "DROP TRIGGER IF EXISTS board_post_fts_delete",
    "DROP TRIGGER IF EXISTS board_thread_fts_title",
    "DROP TABLE IF EXISTS board_post_fts",
    f"CREATE VIRTUAL TABLE board_post_fts USING fts5(title, body, {TOKENIZE})",
    """CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN
         INSERT INTO board_post_fts (rowid, title, body)
         VALUES (new.id, (SELECT title FROM board_thread WHERE id = new.thread_id), new.body);
       END""",
    """CREATE TRIGGER board_post_fts_update AFTER UPDATE OF body ON board_post BEGIN
         UPDATE board_post_fts SET body = new.body WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN
         DELETE FROM board_post_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER board_thread_fts_title AFTER UPDATE OF title ON board_thread BEGIN
         UPDATE board_post_fts SET title = new.title
         WHERE rowid IN (SELECT id FROM board_post WHERE thread_id = new.id);
       END""",
    "INSERT INTO board_post_fts (rowid, title, body) "
    "SELECT p.id, t.title, p.body FROM board_post p JOIN board_thread t ON t.id = p.thread_id",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("board", "0005_mentions_in_muted_threads")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
