#!/usr/bin/env bash
# Seeds 100 000 patients (with everything a night card holds: about 2.5
# million rows) into a scratch database and prints EXPLAIN (ANALYZE,
# BUFFERS) of the night-card query and of the patient searches, so that the
# plans can be read: every lookup should be an index scan, the card one
# round trip, the search a bitmap scan of the bigram / pg_trgm GIN indexes.
#
# The SQL explained is the SQL the app runs: it is taken from the committed
# offline query data (.sqlx/), found by the marker comment at the top of
# each query (`-- nightcall:night_card`, `-- nightcall:readable_patients`).
#
# Usage: bench/card-explain.sh            (starts its own PostgreSQL in target/bench-pg)
#        BENCH_DATA_DIR=/dev/shm/bench-pg bench/card-explain.sh   (in memory)
#        DATABASE_URL=postgres://…/postgres bench/card-explain.sh
#        BENCH_PATIENTS=20000 bench/card-explain.sh
# The database takes about 1 GB of disk (and WAL while loading).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PATIENTS="${BENCH_PATIENTS:-100000}"
DATA_DIR="${BENCH_DATA_DIR:-target/bench-pg}"
NIGHTCALL="${CARGO_TARGET_DIR:-target}/debug/nightcall"

STARTED=""
if [ -z "${DATABASE_URL:-}" ]; then
  # shellcheck disable=SC1091
  [ -f .tools/toolchain.env ] && source .tools/toolchain.env
  [ -x "$NIGHTCALL" ] || cargo build -q -p server --bin nightcall
  DATABASE_URL=$("$NIGHTCALL" db start --data-dir "$DATA_DIR")
  STARTED=1
fi
cleanup() {
  if [ -n "$STARTED" ]; then "$NIGHTCALL" db stop --data-dir "$DATA_DIR" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

ADMIN="$DATABASE_URL"
psql "$ADMIN" -q -v ON_ERROR_STOP=1 -c 'drop database if exists nightcall_bench' -c 'create database nightcall_bench'
# The same server, database nightcall_bench.
BENCH=$(python3 - "$ADMIN" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/nightcall_bench")))
PY
)
for m in migrations/*.sql; do psql "$BENCH" -q -v ON_ERROR_STOP=1 -f "$m"; done

echo "==> seeding $PATIENTS patients"
start=$(date +%s)
psql "$BENCH" -q -v ON_ERROR_STOP=1 -v n="$PATIENTS" <<'SQL'
\set ON_ERROR_STOP 1
-- Deterministic ids from numbers, readable in plans.
create function bench_id(kind text, n bigint) returns uuid language sql immutable
return md5(kind || n)::uuid;

insert into clinic_teams (id, name)
select bench_id('team', t), 'チーム' || t from generate_series(1, 5) t;
-- 20 clinics in 5 teams, 40 nurse stations.
insert into organizations (id, kind, name, phone)
select bench_id('clinic', c), 'clinic', 'クリニック' || c, '055-200-' || lpad(c::text, 4, '0')
  from generate_series(1, 20) c;
insert into organizations (id, kind, name, phone)
select bench_id('station', s), 'nurse_station', '訪問看護ステーション' || s, '055-300-' || lpad(s::text, 4, '0')
  from generate_series(1, 40) s;
insert into clinic_team_members (team_id, organization_id)
select bench_id('team', 1 + (c - 1) / 4), bench_id('clinic', c) from generate_series(1, 20) c;
-- 60 physicians, 80 nurses.
insert into staff (id, organization_id, role, family_name, given_name, family_name_kana, given_name_kana, phone, login_id)
select bench_id('doctor', d), bench_id('clinic', 1 + (d - 1) % 20), 'physician', '医師', d::text, 'イシ', 'イ',
       '090-7000-' || lpad(d::text, 4, '0'), 'bench-doctor' || d
  from generate_series(1, 60) d;
insert into staff (id, organization_id, role, family_name, given_name, family_name_kana, given_name_kana, phone, login_id)
select bench_id('nurse', x), bench_id('station', 1 + (x - 1) % 40), 'nurse', '看護師', x::text, 'カンゴシ', 'カ',
       '090-7100-' || lpad(x::text, 4, '0'), 'bench-nurse' || x
  from generate_series(1, 80) x;

-- Names: 40 family names × 40 given names, with their kana.
create temp table fam (i int, kanji text, kana text);
insert into fam select row_number() over (), * from unnest(
  array['佐藤','鈴木','高橋','田中','伊藤','渡辺','山本','中村','小林','加藤','吉田','山田','佐々木','山口','松本','井上','木村','林','斎藤','清水','山崎','森','池田','橋本','阿部','石川','山下','中島','石井','小川','前田','岡田','長谷川','藤田','後藤','近藤','村上','遠藤','青木','坂本'],
  array['サトウ','スズキ','タカハシ','タナカ','イトウ','ワタナベ','ヤマモト','ナカムラ','コバヤシ','カトウ','ヨシダ','ヤマダ','ササキ','ヤマグチ','マツモト','イノウエ','キムラ','ハヤシ','サイトウ','シミズ','ヤマザキ','モリ','イケダ','ハシモト','アベ','イシカワ','ヤマシタ','ナカジマ','イシイ','オガワ','マエダ','オカダ','ハセガワ','フジタ','ゴトウ','コンドウ','ムラカミ','エンドウ','アオキ','サカモト']);
create temp table giv (i int, kanji text, kana text);
insert into giv select row_number() over (), * from unnest(
  array['花子','和子','節子','幸子','洋子','恵子','京子','順子','美智子','久子','正男','茂','清','勇','博','実','進','稔','隆','弘','昭','修','豊','勝','明','誠','健一','一郎','二郎','三郎','春子','秋子','千代','トメ','ハル','ヨシ','キヨ','ミツ','チヨ','フミ'],
  array['ハナコ','カズコ','セツコ','サチコ','ヨウコ','ケイコ','キョウコ','ジュンコ','ミチコ','ヒサコ','マサオ','シゲル','キヨシ','イサム','ヒロシ','ミノル','ススム','ミノル','タカシ','ヒロシ','アキラ','オサム','ユタカ','マサル','アキラ','マコト','ケンイチ','イチロウ','ジロウ','サブロウ','ハルコ','アキコ','チヨ','トメ','ハル','ヨシ','キヨ','ミツ','チヨ','フミ']);
create temp table towns (i int, name text);
insert into towns select row_number() over (), * from unnest(
  array['本町','桜町','緑ヶ丘','若葉台','北野','川端町','宮前','旭町','東新町','青葉町','西原','松原','南新町','富士見']);

insert into patients (id, family_name, given_name, family_name_kana, given_name_kana, birth_date, sex,
                      postal_code, prefecture, city, street, building, room, latitude, longitude, landmark,
                      attending_physician_id, nurse_station_id, clinic_team_id)
select bench_id('patient', p), f.kanji, g.kanji, f.kana, g.kana,
       date '1925-01-01' + (p * 7919 % 21000)::int,
       case when g.i <= 10 or g.i > 30 then 'female' else 'male' end,
       '400-' || lpad((p % 10000)::text, 4, '0'), '山梨県', 'みどり野市',
       t.name || (1 + p % 5) || '丁目' || (1 + p % 30) || '-' || (1 + p % 20), '', '',
       35.6 + (p % 1000) / 10000.0, 138.5 + (p % 997) / 10000.0, 'コンビニの裏',
       bench_id('doctor', 1 + p % 60), bench_id('station', 1 + p % 40),
       bench_id('team', 1 + ((1 + p % 60 - 1) % 20) / 4)
  from generate_series(1, :n) p
  join fam f on f.i = 1 + p % 40
  join giv g on g.i = 1 + (p / 40) % 40
  join towns t on t.i = 1 + (p / 7) % 14;

insert into family_contacts (id, patient_id, name, relation, phone, priority, is_key_person)
select bench_id('family', p * 10 + k), bench_id('patient', p), '家族' || k, case k when 1 then '長女' else '長男' end,
       case k when 1 then '090-' else '080-' end || lpad((p / 10000)::text, 4, '0') || '-' || lpad((p % 10000)::text, 4, '0'),
       k, k = 1
  from generate_series(1, :n) p, generate_series(1, 2) k;

insert into care_team_members (id, patient_id, role, staff_id, organization_id, valid_from)
select bench_id('ctm-a', p), bench_id('patient', p), 'attending', bench_id('doctor', 1 + p % 60), null, date '2024-04-01'
  from generate_series(1, :n) p
union all
select bench_id('ctm-s', p), bench_id('patient', p), 'nurse_station', null, bench_id('station', 1 + p % 40), date '2024-04-01'
  from generate_series(1, :n) p;
insert into group_care_consents (id, patient_id, clinic_team_id, consented_by_name, consented_by_relation, consented_on, scope)
select bench_id('consent', s.p), pt.id, pt.clinic_team_id, '家族', '長女', date '2024-04-01', 'read_and_house_call'
  from generate_series(1, :n) as s(p)
  join patients pt on pt.id = bench_id('patient', s.p)
 where s.p % 10 <> 0;

-- The card: one-per-patient sections, and lists.
insert into home_access (patient_id, landmark, entrance, key_box, parking, pets, updated_by)
select bench_id('patient', p), '郵便局の向かい', '玄関から', 'キーボックス(鍵台帳参照)', '前の空き地', '', bench_id('nurse', 1 + p % 80)
  from generate_series(1, :n) p;
insert into care_managers (patient_id, name, office, phone, updated_by)
select bench_id('patient', p), 'ケアマネ' || p % 300, '居宅介護支援事業所', '055-260-' || lpad((p % 300)::text, 4, '0'), bench_id('nurse', 1 + p % 80)
  from generate_series(1, :n) p where p % 9 <> 0;
insert into acp_wishes (patient_id, resuscitation, place_of_care, place_of_death, death_at_home_expected,
                        transport, decided_by, decided_on, updated_by)
select bench_id('patient', p), case when p % 3 = 0 then 'full' else 'dnar' end, 'home', 'home', p % 2 = 0,
       'not_wanted', '本人・家族・主治医', current_date - (p % 300), bench_id('doctor', 1 + p % 60)
  from generate_series(1, :n) p where p % 5 <> 0;
-- Two orders per patient: the current one and the one before.
insert into nursing_orders (id, patient_id, issued_by, issued_on, valid_from, valid_to, on_sudden_change, updated_by)
select bench_id('order', p * 10 + k), bench_id('patient', p), bench_id('doctor', 1 + p % 60),
       current_date - (k * 170 + p % 30), current_date - (k * 170 + p % 30), current_date - (k * 170 + p % 30) + 160,
       '急変時は主治医へ連絡。心肺停止時は蘇生せず主治医へ。', bench_id('doctor', 1 + p % 60)
  from generate_series(1, :n) p, generate_series(0, 1) k;
insert into prn_orders (id, patient_id, condition, action, position, ordered_by, updated_by)
select bench_id('prn', p * 10 + k), bench_id('patient', p), '38.5℃以上の発熱', 'アンヒバ坐剤200mg', k,
       bench_id('doctor', 1 + p % 60), bench_id('doctor', 1 + p % 60)
  from generate_series(1, :n) p, generate_series(1, 2) k;
insert into patient_clinical (patient_id, no_known_allergies, infection_precautions, updated_by)
select bench_id('patient', p), p % 3 = 0, '', bench_id('nurse', 1 + p % 80) from generate_series(1, :n) p;
insert into diagnoses (id, patient_id, name, is_primary, updated_by)
select bench_id('dx', p * 10 + k), bench_id('patient', p), '診断' || (p + k) % 50, k = 1, bench_id('doctor', 1 + p % 60)
  from generate_series(1, :n) p, generate_series(1, 2) k;
insert into medications (id, patient_id, name, dose, schedule, as_needed, position, updated_by)
select bench_id('med', p * 10 + k), bench_id('patient', p), '薬' || (p + k) % 200, '1錠', '朝食後', k = 4, k,
       bench_id('doctor', 1 + p % 60)
  from generate_series(1, :n) p, generate_series(1, 4) k;
insert into allergies (id, patient_id, substance, reaction, updated_by)
select bench_id('allergy', p), bench_id('patient', p), 'ペニシリン', '発疹', bench_id('nurse', 1 + p % 80)
  from generate_series(1, :n) p where p % 4 = 0;
insert into devices (id, patient_id, kind, detail, oxygen_flow_l_min, updated_by)
select bench_id('device', p), bench_id('patient', p), 'home_oxygen', '鼻カニューレ', 1.5, bench_id('nurse', 1 + p % 80)
  from generate_series(1, :n) p where p % 3 = 0;
-- A small photo for one patient in ten.
insert into patient_photos (patient_id, content_type, data, updated_by)
select bench_id('patient', p), 'image/png', decode(repeat('89504e47', 500), 'hex'), bench_id('nurse', 1 + p % 80)
  from generate_series(1, :n) p where p % 10 = 0;
-- Ten timeline entries per patient: a million rows.
insert into timeline_entries (id, patient_id, kind, occurred_at, author_id, body)
select bench_id('tl', p * 100 + k), bench_id('patient', p), 'visit', now() - (k * 3 + p % 3) * interval '1 day',
       bench_id('nurse', 1 + p % 80), '訪問看護: バイタル安定。'
  from generate_series(1, :n) p, generate_series(1, 10) k;
analyze;
SQL
echo "    seeded in $(( $(date +%s) - start ))s"
psql "$BENCH" -At -c "select 'rows: patients ' || (select count(*) from patients) || ', family_contacts ' || (select count(*) from family_contacts) || ', timeline_entries ' || (select count(*) from timeline_entries) || ', medications ' || (select count(*) from medications)"

# The query the app runs, by its marker comment.
query() {
  python3 - "$1" <<'PY'
import glob, json, sys
marker = "-- nightcall:" + sys.argv[1]
hits = [json.load(open(f))["query"] for f in glob.glob(".sqlx/query-*.json")]
hits = [q for q in hits if marker in q]
if len(hits) != 1:
    sys.exit(f"expected one query marked {marker}, found {len(hits)}")
print(hits[0])
PY
}
CARD_SQL=$(query night_card)
SESSION_SQL=$(query session_user)
SEARCH_SQL=$(query readable_patients)

# A patient in the middle, and a nurse of its station.
P=54321
PATIENT=$(psql "$BENCH" -At -c "select bench_id('patient', $P)")
NURSE=$(psql "$BENCH" -At -c "select id || ',' || organization_id from staff where organization_id = bench_id('station', 1 + $P % 40) and role = 'nurse' limit 1")
NURSE_ID=${NURSE%,*}
STATION=${NURSE#*,}
NAME=$(psql "$BENCH" -At -c "select family_name || given_name || ',' || family_name_kana || ',' || street from patients where id = '$PATIENT'")
FULL_NAME=${NAME%%,*}
REST=${NAME#*,}
KANA=${REST%%,*}
STREET=${REST#*,}
PHONE_DIGITS=$(psql "$BENCH" -At -c "select nc_phone_digits(phone) from family_contacts where patient_id = '$PATIENT' and priority = 1")

explain() {
  local title="$1" prepare="$2" execute="$3" mode="${4:-force_custom_plan}"
  echo
  echo "==> $title"
  # Six executions first, as on a connection of the app's pool (which
  # keeps its prepared statements): warm caches, and past the five custom
  # plans after which PostgreSQL keeps a generic plan (for the statement
  # and for the queries inside the PL/pgSQL functions it calls). The card
  # and session statements run as in the app (plan_cache_mode auto); the
  # searches force custom plans, as the app does (ssr/db/search.rs).
  psql "$BENCH" -q -v ON_ERROR_STOP=1 <<SQL
set plan_cache_mode = $mode;
set random_page_cost = ${BENCH_RANDOM_PAGE_COST:-1.1};
prepare q as $prepare;
\o /dev/null
execute q$execute;
execute q$execute;
execute q$execute;
execute q$execute;
execute q$execute;
execute q$execute;
\o
explain (analyze, buffers, costs off, summary on) execute q$execute;
SQL
}

# The first of a card read's two statements: the session, with the access
# facts of the patient the page names (a session of the nurse, made here).
psql "$BENCH" -q -v ON_ERROR_STOP=1 -c "insert into sessions (token_hash, staff_id, created_at, last_seen_at, expires_at, second_factor_done, ip, user_agent)
  values (sha256('bench'), '$NURSE_ID', now(), now(), now() + interval '16 hours', true, '', '')"
explain "session and access facts for patient $P (the card read's first statement)" \
  "$SESSION_SQL" "(sha256('bench'), now(), now() - interval '2 hours', '$PATIENT')" auto
# The card statement also writes the read's audit row (as the nurse) and
# reads the escalation context for the card's first call.
explain "night card of patient $P (one statement, one round trip, with its audit row)" \
  "$CARD_SQL" "('$PATIENT', current_date, 20, '$NURSE_ID', null, 'read_card', 'bench', '127.0.0.1', now() - interval '1 day', now() + interval '2 days')" auto
explain "search by kanji name, partial: ${FULL_NAME:0:2} (as a nurse of the patient's station)" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '${FULL_NAME:0:2}', '', 51)"
explain "search by full name: $FULL_NAME" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '$FULL_NAME', '', 51)"
explain "search by kana (typed in hiragana, folded to katakana by the app): $KANA" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '$KANA', '', 51)"
explain "search by the calling number: $PHONE_DIGITS" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '$PHONE_DIGITS', '$PHONE_DIGITS', 51)"
explain "search by address: $STREET" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '$STREET', '', 51)"
# The app plans each search for its parameters (set_config('plan_cache_mode',
# 'force_custom_plan') in its transaction, see ssr/db/search.rs); this shows
# why: the generic plan a prepared statement may otherwise settle on.
explain "for comparison only: the generic plan the app avoids" \
  "$SEARCH_SQL" "('$NURSE_ID', '$STATION', current_date, 'nurse', '$FULL_NAME', '', 51)" force_generic_plan
