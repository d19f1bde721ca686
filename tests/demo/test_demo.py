import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_builds_a_fresh_database_with_evidence_and_prints_the_logins(tmp_path):
    # Run as a new installer would: no DEBUG, no SECRET_KEY, just `kindred demo`.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    env.update(KINDRED_VAR_DIR=str(tmp_path))
    stale = tmp_path / "kindred.sqlite3"
    stale.write_bytes(b"not a database")
    result = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "demo", "--schools", "300", "--no-serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,  # minutes on a shared machine under load (304 s at a load of 17)
    )
    assert result.returncode == 0, result.stderr
    for email in ["admin@", "leader@", "coordinator@", "teacher@", "partner@", "athro@", "moalem@"]:
        assert f"{email}demo.kindred.example" in result.stdout
    with sqlite3.connect(stale) as db:
        assert (
            db.execute("select count(*) from schools_school where country_code = 'eng'").fetchone()[0] == 300
        )
        # Wales and Egypt beside England (issue 23, item 2), and an international network of two of them.
        assert db.execute(
            "select country_code, count(*) from schools_school where country_code != 'eng'"
            " group by country_code order by country_code"
        ).fetchall() == [("eg", 60), ("wls", 60)]
        # Each country's own evidence, computed alone (evidence per country, issue 23 item 1): the Welsh
        # and Egyptian schools have families, relative performance and categories, as England's do.
        assert db.execute(
            "select kind, country_code from evidence_evidencerun where status = 'current' order by 1, 2"
        ).fetchall() == [
            (kind, code) for kind in ("families", "performance") for code in ("eg", "eng", "wls")
        ]
        for part in (
            "evidence_familymember e join evidence_evidencerun r on r.id = e.run_id and r.status = 'current'",
            "evidence_performance e join evidence_evidencerun r on r.id = e.run_id and r.status = 'current'"
            " and e.year is null",
            "evidence_supportcategory e",
        ):
            assert dict(
                db.execute(
                    f"select s.country_code, count(distinct s.id) from {part}"
                    " join schools_school s on s.id = e.school_id group by s.country_code"
                ).fetchall()
            ) == pytest.approx({"eng": 300, "wls": 60, "eg": 60}, rel=0.1), part
        # ... each school's family within its own country
        assert (
            db.execute(
                "select count(*) from evidence_familymember f join schools_school a on a.id = f.school_id"
                " join schools_school b on b.id = f.member_id where a.country_code != b.country_code"
            ).fetchone()[0]
            == 0
        )
        assert (
            db.execute(
                "select count(distinct s.country_code) from networks_membership m"
                " join schools_school s on s.id = m.school_id join networks_network n on n.id = m.network_id"
                " where n.name like 'Gwyddoniaeth%' and m.left_at is null"
            ).fetchone()[0]
            == 2
        )
        assert db.execute("select count(*) from evidence_familymember").fetchone()[0] > 0
        assert db.execute("select count(*) from evidence_supportcategory").fetchone()[0] > 0
        assert db.execute("select count(*) from accounts_regionalrole").fetchone()[0] == 1
        # community, subject, cluster, partnership, the exams officers' informal group, and a community
        # of communities over the coordinator's first two networks (issue 23 item 5), with its
        # announcement and event
        assert db.execute("select count(distinct kind) from networks_network").fetchone()[0] == 6
        assert (
            db.execute(
                "select count(*) from networks_networklink where status = 'active'"
                " and parent_id = (select id from networks_network where kind = 'networks')"
            ).fetchone()[0]
            == 2
        )
        assert (
            db.execute(
                "select count(*) from events_event where network_id = (select id from networks_network where kind = 'networks')"
            ).fetchone()[0]
            == 1
        )
        assert db.execute("select count(*) from networks_rotaturn").fetchone()[0] > 0
        # Every active demo network has threads on its board, one of them a pinned announcement.
        assert db.execute("select count(distinct network_id) from board_thread").fetchone()[0] >= 4
        assert db.execute("select count(*) from board_thread where pinned").fetchone()[0] >= 4
        assert db.execute("select count(*) from board_post").fetchone()[0] >= 4 * 10
        # A year of self-evaluation, a peer review and a consultation with answers.
        (region_schools,) = db.execute(
            "select count(*) from schools_school where region_id = (select region_id from accounts_regionalrole)"
        ).fetchone()
        evaluated = db.execute("select count(*) from frameworks_evaluation where kind = 'self'").fetchone()[0]
        assert evaluated == min(region_schools, 150) > 0
        assert db.execute("select count(*) from frameworks_evaluation where kind = 'peer'").fetchone()[0] == 1
        assert (
            db.execute("select count(*) from voice_response where respondent_id is null").fetchone()[0] == 12
        )
        # A network's survey answered before and after by its staff, and letters in its evidence pack.
        assert db.execute("select count(*) from impact_survey where post_id is not null").fetchone()[0] == 2
        # ... and the programme's survey of the staff of all its networks, answered before and after.
        assert (
            db.execute(
                "select count(*) from impact_survey where programme_id is not null and post_id is not null"
            ).fetchone()[0]
            == 1
        )
        assert (
            db.execute("select count(*) from voice_response where respondent_id is not null").fetchone()[0]
            >= 10
        )
        assert db.execute("select count(*) from impact_supportletter").fetchone()[0] == 2
        assert db.execute("select count(*) from plans_progressupdate").fetchone()[0] == 1
        # A term's programme of events, a library with an adopted policy, offers and a match waiting.
        assert db.execute("select count(*) from events_event where rrule != ''").fetchone()[0] >= 1
        assert (
            db.execute("select count(*) from events_registration where status = 'waiting'").fetchone()[0] >= 1
        )
        assert db.execute("select count(*) from library_policyadoption").fetchone()[0] == 1
        assert (
            db.execute("select count(*) from offers_match where offerer_agreed_at is null").fetchone()[0] == 1
        )
        # A university partner: an expert in a network, hosting a seminar there.
        assert (
            db.execute(
                "select count(*) from networks_networkrole where organisation_id is not null"
            ).fetchone()[0]
            == 1
        )
        assert (
            db.execute("select count(*) from events_event where host_organisation_id is not null").fetchone()[
                0
            ]
            == 1
        )
        # The region's advisory council (issue 23, item 6): four members, a closed consultation they all
        # answered with the leader's response published back, and an open one.
        assert db.execute("select count(*) from voice_council").fetchone()[0] == 1
        assert (
            db.execute("select count(*) from voice_councilmember where status = 'active'").fetchone()[0] == 4
        )
        assert db.execute("select count(*) from voice_publication where with_results").fetchone()[0] == 1
        assert (
            db.execute(
                "select count(*) from voice_response r join voice_consultation c on c.id = r.consultation_id"
                " where c.audience = 'council'"
            ).fetchone()[0]
            == 4
        )
        # The system leader's programme: its networks, money entered, and effects computed.
        assert db.execute("select count(*) from impact_programme").fetchone()[0] == 1
        assert db.execute("select count(*) from impact_programme_networks").fetchone()[0] >= 3
        assert db.execute("select count(*) from impact_cost").fetchone()[0] == 3
        assert db.execute("select count(*) from impact_programmeeffect").fetchone()[0] >= 1


def test_demo_refuses_to_touch_a_postgresql_database(tmp_path):
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/anything"}
    result = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "demo", "--no-serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "builds a fresh SQLite database" in result.stderr
