//! Demo data: a fictional home-care network in 「山梨県みどり野市」.
//!
//! [`seed_demo`] inserts, in one transaction, a complete regional network so
//! that a fresh install, the README walkthrough and the browser tests have
//! something believable to show:
//!
//! - two clinic teams (「みどり野北在宅医療チーム」「みどり野南在宅医療チーム」),
//!   each with three clinics; eight physicians (two clinics have two);
//! - four visiting-nurse stations with two nurses each;
//! - one backup hospital (「みどり野市立病院」);
//! - the medical association's secretariat (「みどり野市医師会事務局」) with a
//!   coordinator and an admin;
//! - forty home patients, each with an attending physician, a nurse station,
//!   the clinic team of the attending physician's clinic, and one to three
//!   family contacts (most with exactly one key person).
//!
//! Everything is fictional: the city, the people, the addresses and every
//! phone number. Two patients deliberately share the same name
//! (「佐藤 花子」, patients 2 and 3) with different birth dates and
//! addresses, so that search and identification can be tested.
//!
//! # Deterministic ids
//!
//! There is no randomness at all: every run inserts the same rows with the
//! same ids. Ids are version-4-shaped UUIDs built as
//! `0x0000_0000_0000_4000_8000_KKKK_NNNN_NNNN`, where `KKKK` names the table
//! and `NNNN_NNNN` numbers the row:
//!
//! | `KKKK` | table             | `N`                                       |
//! |--------|-------------------|-------------------------------------------|
//! | `0001` | `patients`        | patient number, 1..=40                    |
//! | `0002` | `organizations`   | 1–6 clinics, 11–14 nurse stations, 21 hospital, 31 secretariat |
//! | `0003` | `staff`           | 1–8 physicians, 11–18 nurses, 21 coordinator, 22 admin |
//! | `0004` | `clinic_teams`    | 1 north, 2 south                          |
//! | `0005` | `family_contacts` | `patient << 8 \| priority`                |
//!
//! So patient 1 is `00000000-0000-4000-8000-000100000001` ([`DEMO_PATIENT_1`])
//! and the second contact of patient 12 is
//! `00000000-0000-4000-8000-000500000c02`. Real rows use random v4 ids; these
//! readable ones exist only in demo databases.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

/// How many rows of each kind [`seed_demo`] inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub organizations: usize,
    pub staff: usize,
    pub patients: usize,
    pub family_contacts: usize,
}

/// Patient 1, 「山田 花子」(ヤマダ ハナコ), born 1937-04-12: the example used by
/// the README and the browser tests.
pub const DEMO_PATIENT_1: Uuid = demo_id(TABLE_PATIENTS, 1);

/// The mobile number of patient 1's key person (her eldest daughter,
/// 「高野 恵子」). It appears exactly once in the demo data, so a search by
/// this number finds patient 1 and nobody else.
pub const DEMO_FAMILY_PHONE_OF_PATIENT_1: &str = "080-4127-9035";

/// The number of demo patients; valid patient numbers are `1..=DEMO_PATIENT_COUNT`.
pub const DEMO_PATIENT_COUNT: u32 = 40;

/// The password of every demo account (listed in README.md). Demo only.
pub const DEMO_PASSWORD: &str = "nightcall-demo";

/// Demo sign-ins: physicians `doctor1`…`doctor8`, visiting nurses
/// `nurse1`…`nurse8` (two per station), `coordinator`, `admin`.
pub fn demo_login_id(staff_n: u32) -> Option<String> {
    match staff_n {
        1..=8 => Some(format!("doctor{staff_n}")),
        11..=18 => Some(format!("nurse{}", staff_n - 10)),
        21 => Some("coordinator".into()),
        22 => Some("admin".into()),
        _ => None,
    }
}

/// The deterministic id of demo patient `n` (1..=40); see the module docs.
pub fn demo_patient_id(n: u32) -> Uuid {
    debug_assert!(
        (1..=DEMO_PATIENT_COUNT).contains(&n),
        "demo patient {n} out of range"
    );
    demo_id(TABLE_PATIENTS, u128::from(n))
}

/// Inserts the demo network in one transaction.
///
/// Does nothing and returns `Ok(None)` if the demo data is already present
/// (that is, if [`DEMO_PATIENT_1`] exists). A transaction-scoped advisory lock
/// makes concurrent callers (parallel tests on one database) safe: the first
/// inserts, the others wait and then find the data present.
pub async fn seed_demo(pool: &PgPool) -> Result<Option<SeedReport>, sqlx::Error> {
    // Hashed before the transaction: argon2 is slow on purpose.
    let password_hash = app::ssr::auth::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("hashing the demo password: {e}")))?;
    let mut tx = pool.begin().await?;

    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(SEED_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    let present: bool = sqlx::query_scalar("select exists (select 1 from patients where id = $1)")
        .bind(DEMO_PATIENT_1)
        .fetch_one(&mut *tx)
        .await?;
    if present {
        tx.rollback().await?;
        return Ok(None);
    }

    sqlx::query(
        "insert into clinic_teams (id, name)
         select * from unnest($1::uuid[], $2::text[])",
    )
    .bind(column(TEAMS, Team::id))
    .bind(column(TEAMS, |t| t.name))
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "insert into organizations
             (id, kind, name, name_kana, phone, address, latitude, longitude)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                              $5::text[], $6::text[], $7::float8[], $8::float8[])",
    )
    .bind(column(ORGANIZATIONS, Org::id))
    .bind(column(ORGANIZATIONS, |o| o.kind.as_str()))
    .bind(column(ORGANIZATIONS, |o| o.name))
    .bind(column(ORGANIZATIONS, |o| o.name_kana))
    .bind(column(ORGANIZATIONS, |o| o.phone))
    .bind(column(ORGANIZATIONS, |o| o.address))
    .bind(column(ORGANIZATIONS, |o| o.latitude))
    .bind(column(ORGANIZATIONS, |o| o.longitude))
    .execute(&mut *tx)
    .await?;

    let members: Vec<(Uuid, Uuid)> = ORGANIZATIONS
        .iter()
        .filter_map(|o| o.team.map(|team| (team.id(), o.id())))
        .collect();
    sqlx::query(
        "insert into clinic_team_members (team_id, organization_id)
         select * from unnest($1::uuid[], $2::uuid[])",
    )
    .bind(column(&members, |m| m.0))
    .bind(column(&members, |m| m.1))
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "insert into staff
             (id, organization_id, role, family_name, given_name,
              family_name_kana, given_name_kana, phone)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],
                              $5::text[], $6::text[], $7::text[], $8::text[])",
    )
    .bind(column(STAFF, Staff::id))
    .bind(column(STAFF, |s| s.org.id()))
    .bind(column(STAFF, |s| s.role.as_str()))
    .bind(column(STAFF, |s| s.family_name))
    .bind(column(STAFF, |s| s.given_name))
    .bind(column(STAFF, |s| s.family_name_kana))
    .bind(column(STAFF, |s| s.given_name_kana))
    .bind(column(STAFF, |s| s.phone))
    .execute(&mut *tx)
    .await?;

    // Patient n is PATIENTS[n - 1].
    let patient_ids: Vec<Uuid> = (1..).take(PATIENTS.len()).map(demo_patient_id).collect();
    sqlx::query(
        "insert into patients
             (id, family_name, given_name, family_name_kana, given_name_kana,
              birth_date, sex, postal_code, prefecture, city, street, building,
              room, latitude, longitude, landmark,
              attending_physician_id, nurse_station_id, clinic_team_id)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                              $5::text[], $6::date[], $7::text[], $8::text[],
                              $9::text[], $10::text[], $11::text[], $12::text[],
                              $13::text[], $14::float8[], $15::float8[],
                              $16::text[], $17::uuid[], $18::uuid[], $19::uuid[])",
    )
    .bind(&patient_ids)
    .bind(column(PATIENTS, |p| p.family_name))
    .bind(column(PATIENTS, |p| p.given_name))
    .bind(column(PATIENTS, |p| p.family_name_kana))
    .bind(column(PATIENTS, |p| p.given_name_kana))
    .bind(column(PATIENTS, |p| p.birth_date))
    .bind(column(PATIENTS, |p| p.sex.as_str()))
    .bind(column(PATIENTS, |p| p.town.postal_code))
    .bind(column(PATIENTS, |_| PREFECTURE))
    .bind(column(PATIENTS, |_| CITY))
    .bind(column(PATIENTS, Patient::street))
    .bind(column(PATIENTS, |p| p.building))
    .bind(column(PATIENTS, |p| p.room))
    .bind(column(PATIENTS, |p| p.latitude))
    .bind(column(PATIENTS, |p| p.longitude))
    .bind(column(PATIENTS, |p| p.landmark))
    .bind(column(PATIENTS, |p| p.physician.id()))
    .bind(column(PATIENTS, |p| p.station.id()))
    .bind(column(PATIENTS, Patient::team_id))
    .execute(&mut *tx)
    .await?;

    // A contact's priority is its position in the patient's list.
    let contacts: Vec<Contact> = PATIENTS
        .iter()
        .zip(1u32..)
        .flat_map(|(patient, n)| {
            patient
                .family
                .iter()
                .zip(1u8..)
                .map(move |(family, priority)| Contact {
                    id: demo_id(
                        TABLE_FAMILY_CONTACTS,
                        (u128::from(n) << 8) | u128::from(priority),
                    ),
                    patient_id: demo_patient_id(n),
                    priority: priority.into(),
                    family,
                })
        })
        .collect();
    sqlx::query(
        "insert into family_contacts
             (id, patient_id, name, relation, phone, priority, is_key_person)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],
                              $5::text[], $6::int2[], $7::bool[])",
    )
    .bind(column(&contacts, |c| c.id))
    .bind(column(&contacts, |c| c.patient_id))
    .bind(column(&contacts, |c| c.family.name))
    .bind(column(&contacts, |c| c.family.relation))
    .bind(column(&contacts, |c| c.family.phone))
    .bind(column(&contacts, |c| c.priority))
    .bind(column(&contacts, |c| c.family.key_person))
    .execute(&mut *tx)
    .await?;

    seed_access(&mut tx, &patient_ids, &password_hash).await?;

    tx.commit().await?;

    Ok(Some(SeedReport {
        organizations: ORGANIZATIONS.len(),
        staff: STAFF.len(),
        patients: PATIENTS.len(),
        family_contacts: contacts.len(),
    }))
}

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

const ID_BASE: u128 = 0x0000_0000_0000_4000_8000_0000_0000_0000;
const TABLE_PATIENTS: u128 = 0x0001;
const TABLE_ORGANIZATIONS: u128 = 0x0002;
const TABLE_STAFF: u128 = 0x0003;
const TABLE_TEAMS: u128 = 0x0004;
const TABLE_FAMILY_CONTACTS: u128 = 0x0005;

/// Serialises concurrent seeders ("nightcal" in ASCII).
const SEED_LOCK_KEY: i64 = 0x6e69_6768_7463_616c;

const fn demo_id(table: u128, n: u128) -> Uuid {
    Uuid::from_u128(ID_BASE | (table << 32) | (n & 0xffff_ffff))
}

/// One column of a table, ready to bind as a Postgres array for `unnest`.
fn column<T, U>(rows: &[T], field: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(field).collect()
}

// ---------------------------------------------------------------------------
// Table row types
// ---------------------------------------------------------------------------

const PREFECTURE: &str = "山梨県";
const CITY: &str = "みどり野市";

/// A valid date, checked when the constant tables are compiled.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("invalid date in demo data"),
    }
}

struct Team {
    n: u32,
    name: &'static str,
}

impl Team {
    fn id(&self) -> Uuid {
        demo_id(TABLE_TEAMS, self.n.into())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OrgKind {
    Clinic,
    NurseStation,
    Hospital,
    Secretariat,
}

impl OrgKind {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Clinic => "clinic",
            Self::NurseStation => "nurse_station",
            Self::Hospital => "hospital",
            Self::Secretariat => "secretariat",
        }
    }
}

struct Org {
    n: u32,
    kind: OrgKind,
    name: &'static str,
    name_kana: &'static str,
    phone: &'static str,
    address: &'static str,
    latitude: f64,
    longitude: f64,
    /// The clinic team this clinic belongs to.
    team: Option<&'static Team>,
}

impl Org {
    fn id(&self) -> Uuid {
        demo_id(TABLE_ORGANIZATIONS, self.n.into())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Physician,
    Nurse,
    Coordinator,
    Admin,
}

impl Role {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Physician => "physician",
            Self::Nurse => "nurse",
            Self::Coordinator => "coordinator",
            Self::Admin => "admin",
        }
    }
}

struct Staff {
    n: u32,
    org: &'static Org,
    role: Role,
    family_name: &'static str,
    given_name: &'static str,
    family_name_kana: &'static str,
    given_name_kana: &'static str,
    phone: &'static str,
}

impl Staff {
    fn id(&self) -> Uuid {
        demo_id(TABLE_STAFF, self.n.into())
    }
}

/// A town (町名) of みどり野市 with its postal code.
struct Town {
    name: &'static str,
    postal_code: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sex {
    Female,
    Male,
}

impl Sex {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
        }
    }
}

struct Family {
    name: &'static str,
    relation: &'static str,
    phone: &'static str,
    key_person: bool,
}

/// A family contact row ready to insert.
struct Contact {
    id: Uuid,
    patient_id: Uuid,
    priority: i16,
    family: &'static Family,
}

/// A home patient; the patient number is the position in [`PATIENTS`] plus one.
struct Patient {
    family_name: &'static str,
    given_name: &'static str,
    family_name_kana: &'static str,
    given_name_kana: &'static str,
    birth_date: NaiveDate,
    sex: Sex,
    town: &'static Town,
    /// The rest of the street address after the town name.
    block: &'static str,
    building: &'static str,
    room: &'static str,
    latitude: f64,
    longitude: f64,
    landmark: &'static str,
    physician: &'static Staff,
    station: &'static Org,
    /// Called in this order: the priority is the position plus one.
    family: &'static [Family],
}

impl Patient {
    fn street(&self) -> String {
        format!("{}{}", self.town.name, self.block)
    }

    /// The clinic team of the attending physician's clinic.
    fn team_id(&self) -> Option<Uuid> {
        self.physician.org.team.map(Team::id)
    }
}

// ---------------------------------------------------------------------------
// Clinic teams and organisations
// ---------------------------------------------------------------------------

const TEAM_NORTH: Team = Team {
    n: 1,
    name: "みどり野北在宅医療チーム",
};
const TEAM_SOUTH: Team = Team {
    n: 2,
    name: "みどり野南在宅医療チーム",
};
const TEAMS: &[Team] = &[TEAM_NORTH, TEAM_SOUTH];

const CLINIC_MIDORINO_KITA: Org = Org {
    n: 1,
    kind: OrgKind::Clinic,
    name: "みどり野北クリニック",
    name_kana: "ミドリノキタクリニック",
    phone: "055-251-3320",
    address: "山梨県みどり野市緑ヶ丘2丁目3-15",
    latitude: 35.676110,
    longitude: 138.559215,
    team: Some(&TEAM_NORTH),
};
const CLINIC_SAKURAMACHI: Org = Org {
    n: 2,
    kind: OrgKind::Clinic,
    name: "さくら町在宅クリニック",
    name_kana: "サクラマチザイタククリニック",
    phone: "055-247-1180",
    address: "山梨県みどり野市桜町1丁目6-2",
    latitude: 35.666812,
    longitude: 138.560327,
    team: Some(&TEAM_NORTH),
};
const CLINIC_KITANO: Org = Org {
    n: 3,
    kind: OrgKind::Clinic,
    name: "きたの内科医院",
    name_kana: "キタノナイカイイン",
    phone: "055-253-4471",
    address: "山梨県みどり野市北野3丁目10-7",
    latitude: 35.684795,
    longitude: 138.557108,
    team: Some(&TEAM_NORTH),
};
const CLINIC_MINAMI: Org = Org {
    n: 4,
    kind: OrgKind::Clinic,
    name: "南みどり野診療所",
    name_kana: "ミナミミドリノシンリョウジョ",
    phone: "055-244-6052",
    address: "山梨県みどり野市南新町2丁目1-9",
    latitude: 35.647806,
    longitude: 138.561482,
    team: Some(&TEAM_SOUTH),
};
const CLINIC_ASAHI: Org = Org {
    n: 5,
    kind: OrgKind::Clinic,
    name: "あさひ町在宅ケアクリニック",
    name_kana: "アサヒマチザイタクケアクリニック",
    phone: "055-249-2217",
    address: "山梨県みどり野市旭町4丁目12-1",
    latitude: 35.659403,
    longitude: 138.574812,
    team: Some(&TEAM_SOUTH),
};
const CLINIC_MATSUBARA: Org = Org {
    n: 6,
    kind: OrgKind::Clinic,
    name: "まつばら在宅診療所",
    name_kana: "マツバラザイタクシンリョウジョ",
    phone: "055-246-7735",
    address: "山梨県みどり野市松原1丁目22-4",
    latitude: 35.642617,
    longitude: 138.552214,
    team: Some(&TEAM_SOUTH),
};

const STATION_MIDORI: Org = Org {
    n: 11,
    kind: OrgKind::NurseStation,
    name: "訪問看護ステーションみどり",
    name_kana: "ホウモンカンゴステーションミドリ",
    phone: "055-252-0341",
    address: "山梨県みどり野市本町3丁目4-11",
    latitude: 35.661508,
    longitude: 138.566140,
    team: None,
};
const STATION_HIMAWARI: Org = Org {
    n: 12,
    kind: OrgKind::NurseStation,
    name: "訪問看護ステーションひまわり",
    name_kana: "ホウモンカンゴステーションヒマワリ",
    phone: "055-248-7790",
    address: "山梨県みどり野市東新町1丁目17-2",
    latitude: 35.662817,
    longitude: 138.581236,
    team: None,
};
const STATION_AOBA: Org = Org {
    n: 13,
    kind: OrgKind::NurseStation,
    name: "あおば訪問看護ステーション",
    name_kana: "アオバホウモンカンゴステーション",
    phone: "055-255-1624",
    address: "山梨県みどり野市青葉町2丁目5-20",
    latitude: 35.654093,
    longitude: 138.584318,
    team: None,
};
const STATION_ISHIKAI: Org = Org {
    n: 14,
    kind: OrgKind::NurseStation,
    name: "みどり野市医師会訪問看護ステーション",
    name_kana: "ミドリノシイシカイホウモンカンゴステーション",
    phone: "055-243-5810",
    address: "山梨県みどり野市本町2丁目8-1 みどり野市医師会館1階",
    latitude: 35.662214,
    longitude: 138.564527,
    team: None,
};

const HOSPITAL: Org = Org {
    n: 21,
    kind: OrgKind::Hospital,
    name: "みどり野市立病院",
    name_kana: "ミドリノシリツビョウイン",
    phone: "055-241-1111",
    address: "山梨県みどり野市富士見1丁目1-1",
    latitude: 35.649602,
    longitude: 138.573515,
    team: None,
};

const SECRETARIAT: Org = Org {
    n: 31,
    kind: OrgKind::Secretariat,
    name: "みどり野市医師会事務局",
    name_kana: "ミドリノシイシカイジムキョク",
    phone: "055-243-5800",
    address: "山梨県みどり野市本町2丁目8-1 みどり野市医師会館2階",
    latitude: 35.662214,
    longitude: 138.564527,
    team: None,
};

const ORGANIZATIONS: &[Org] = &[
    CLINIC_MIDORINO_KITA,
    CLINIC_SAKURAMACHI,
    CLINIC_KITANO,
    CLINIC_MINAMI,
    CLINIC_ASAHI,
    CLINIC_MATSUBARA,
    STATION_MIDORI,
    STATION_HIMAWARI,
    STATION_AOBA,
    STATION_ISHIKAI,
    HOSPITAL,
    SECRETARIAT,
];

// ---------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------

const DR_KITAMURA: Staff = Staff {
    n: 1,
    org: &CLINIC_MIDORINO_KITA,
    role: Role::Physician,
    family_name: "北村",
    given_name: "健一",
    family_name_kana: "キタムラ",
    given_name_kana: "ケンイチ",
    phone: "090-6215-3301",
};
const DR_KOBAYASHI: Staff = Staff {
    n: 2,
    org: &CLINIC_MIDORINO_KITA,
    role: Role::Physician,
    family_name: "小林",
    given_name: "直樹",
    family_name_kana: "コバヤシ",
    given_name_kana: "ナオキ",
    phone: "080-4471-2085",
};
const DR_SAKURAI: Staff = Staff {
    n: 3,
    org: &CLINIC_SAKURAMACHI,
    role: Role::Physician,
    family_name: "桜井",
    given_name: "真理子",
    family_name_kana: "サクライ",
    given_name_kana: "マリコ",
    phone: "090-3358-7142",
};
const DR_MOCHIZUKI: Staff = Staff {
    n: 4,
    org: &CLINIC_KITANO,
    role: Role::Physician,
    family_name: "望月",
    given_name: "隆",
    family_name_kana: "モチヅキ",
    given_name_kana: "タカシ",
    phone: "090-8821-4467",
};
const DR_MINAMI: Staff = Staff {
    n: 5,
    org: &CLINIC_MINAMI,
    role: Role::Physician,
    family_name: "南",
    given_name: "和彦",
    family_name_kana: "ミナミ",
    given_name_kana: "カズヒコ",
    phone: "080-2290-6613",
};
const DR_SHIMIZU: Staff = Staff {
    n: 6,
    org: &CLINIC_MINAMI,
    role: Role::Physician,
    family_name: "清水",
    given_name: "彩",
    family_name_kana: "シミズ",
    given_name_kana: "アヤ",
    phone: "070-5513-8820",
};
const DR_WATANABE: Staff = Staff {
    n: 7,
    org: &CLINIC_ASAHI,
    role: Role::Physician,
    family_name: "渡辺",
    given_name: "誠",
    family_name_kana: "ワタナベ",
    given_name_kana: "マコト",
    phone: "090-7734-1198",
};
const DR_AMEMIYA: Staff = Staff {
    n: 8,
    org: &CLINIC_MATSUBARA,
    role: Role::Physician,
    family_name: "雨宮",
    given_name: "修",
    family_name_kana: "アメミヤ",
    given_name_kana: "オサム",
    phone: "080-6652-3079",
};

const STAFF: &[Staff] = &[
    DR_KITAMURA,
    DR_KOBAYASHI,
    DR_SAKURAI,
    DR_MOCHIZUKI,
    DR_MINAMI,
    DR_SHIMIZU,
    DR_WATANABE,
    DR_AMEMIYA,
    Staff {
        n: 11,
        org: &STATION_MIDORI,
        role: Role::Nurse,
        family_name: "深沢",
        given_name: "恵子",
        family_name_kana: "フカサワ",
        given_name_kana: "ケイコ",
        phone: "090-2841-5530",
    },
    Staff {
        n: 12,
        org: &STATION_MIDORI,
        role: Role::Nurse,
        family_name: "中村",
        given_name: "さやか",
        family_name_kana: "ナカムラ",
        given_name_kana: "サヤカ",
        phone: "080-7716-2294",
    },
    Staff {
        n: 13,
        org: &STATION_HIMAWARI,
        role: Role::Nurse,
        family_name: "保坂",
        given_name: "美紀",
        family_name_kana: "ホサカ",
        given_name_kana: "ミキ",
        phone: "090-5532-0817",
    },
    Staff {
        n: 14,
        org: &STATION_HIMAWARI,
        role: Role::Nurse,
        family_name: "井上",
        given_name: "翔太",
        family_name_kana: "イノウエ",
        given_name_kana: "ショウタ",
        phone: "070-3398-6641",
    },
    Staff {
        n: 15,
        org: &STATION_AOBA,
        role: Role::Nurse,
        family_name: "功刀",
        given_name: "千尋",
        family_name_kana: "クヌギ",
        given_name_kana: "チヒロ",
        phone: "090-1187-4423",
    },
    Staff {
        n: 16,
        org: &STATION_AOBA,
        role: Role::Nurse,
        family_name: "石原",
        given_name: "裕子",
        family_name_kana: "イシハラ",
        given_name_kana: "ユウコ",
        phone: "080-9023-5176",
    },
    Staff {
        n: 17,
        org: &STATION_ISHIKAI,
        role: Role::Nurse,
        family_name: "小俣",
        given_name: "典子",
        family_name_kana: "オマタ",
        given_name_kana: "ノリコ",
        phone: "090-6604-2258",
    },
    Staff {
        n: 18,
        org: &STATION_ISHIKAI,
        role: Role::Nurse,
        family_name: "矢崎",
        given_name: "健太",
        family_name_kana: "ヤザキ",
        given_name_kana: "ケンタ",
        phone: "080-3375-9910",
    },
    Staff {
        n: 21,
        org: &SECRETARIAT,
        role: Role::Coordinator,
        family_name: "佐野",
        given_name: "智子",
        family_name_kana: "サノ",
        given_name_kana: "トモコ",
        phone: "090-4418-2763",
    },
    Staff {
        n: 22,
        org: &SECRETARIAT,
        role: Role::Admin,
        family_name: "内藤",
        given_name: "浩",
        family_name_kana: "ナイトウ",
        given_name_kana: "ヒロシ",
        phone: "080-5127-3384",
    },
];

// ---------------------------------------------------------------------------
// Towns of みどり野市
// ---------------------------------------------------------------------------

const HONCHO: Town = Town {
    name: "本町",
    postal_code: "400-0031",
};
const SAKURAMACHI: Town = Town {
    name: "桜町",
    postal_code: "400-0042",
};
const MIDORIGAOKA: Town = Town {
    name: "緑ヶ丘",
    postal_code: "400-0008",
};
const WAKABADAI: Town = Town {
    name: "若葉台",
    postal_code: "400-0015",
};
const KITANO: Town = Town {
    name: "北野",
    postal_code: "400-0004",
};
const KAWABATACHO: Town = Town {
    name: "川端町",
    postal_code: "400-0025",
};
const MIYAMAE: Town = Town {
    name: "宮前",
    postal_code: "400-0037",
};
const ASAHIMACHI: Town = Town {
    name: "旭町",
    postal_code: "400-0053",
};
const HIGASHISHINMACHI: Town = Town {
    name: "東新町",
    postal_code: "400-0061",
};
const AOBACHO: Town = Town {
    name: "青葉町",
    postal_code: "400-0068",
};
const NISHIHARA: Town = Town {
    name: "西原",
    postal_code: "400-0072",
};
const MATSUBARA: Town = Town {
    name: "松原",
    postal_code: "400-0079",
};
const MINAMISHINMACHI: Town = Town {
    name: "南新町",
    postal_code: "400-0084",
};
const FUJIMI: Town = Town {
    name: "富士見",
    postal_code: "400-0093",
};

// ---------------------------------------------------------------------------
// Patients (patient n is PATIENTS[n - 1])
// ---------------------------------------------------------------------------

const PATIENTS: &[Patient] = &[
    // 1
    Patient {
        family_name: "山田",
        given_name: "花子",
        family_name_kana: "ヤマダ",
        given_name_kana: "ハナコ",
        birth_date: date(1937, 4, 12),
        sex: Sex::Female,
        town: &SAKURAMACHI,
        block: "2丁目14-3",
        building: "サンハイツ桜町",
        room: "203",
        latitude: 35.667452,
        longitude: 138.561528,
        landmark: "みどり野郵便局の向かい。建物裏の外階段から2階へ(オートロックなし)",
        physician: &DR_SAKURAI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "高野 恵子",
                relation: "長女",
                phone: DEMO_FAMILY_PHONE_OF_PATIENT_1,
                key_person: true,
            },
            Family {
                name: "山田 誠",
                relation: "長男",
                phone: "090-5531-2046",
                key_person: false,
            },
            Family {
                name: "山田 由紀",
                relation: "長男の妻",
                phone: "055-252-7781",
                key_person: false,
            },
        ],
    },
    // 2: same name as patient 3
    Patient {
        family_name: "佐藤",
        given_name: "花子",
        family_name_kana: "サトウ",
        given_name_kana: "ハナコ",
        birth_date: date(1931, 8, 3),
        sex: Sex::Female,
        town: &MIDORIGAOKA,
        block: "1丁目8-21",
        building: "",
        room: "",
        latitude: 35.676021,
        longitude: 138.557814,
        landmark: "緑ヶ丘小学校の正門前、青いトタン屋根の平屋",
        physician: &DR_KITAMURA,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "佐藤 隆",
                relation: "長男",
                phone: "090-3324-1187",
                key_person: true,
            },
            Family {
                name: "佐藤 明美",
                relation: "長男の妻",
                phone: "055-251-4420",
                key_person: false,
            },
        ],
    },
    // 3: same name as patient 2
    Patient {
        family_name: "佐藤",
        given_name: "花子",
        family_name_kana: "サトウ",
        given_name_kana: "ハナコ",
        birth_date: date(1942, 11, 20),
        sex: Sex::Female,
        town: &HIGASHISHINMACHI,
        block: "3丁目2-15",
        building: "グリーンコート東新町",
        room: "502",
        latitude: 35.663584,
        longitude: 138.582471,
        landmark: "東新町バス停の斜め向かい、1階がコインランドリー。エレベーターあり",
        physician: &DR_WATANABE,
        station: &STATION_HIMAWARI,
        family: &[
            Family {
                name: "中澤 由香",
                relation: "長女",
                phone: "080-6612-4473",
                key_person: true,
            },
            Family {
                name: "佐藤 健二",
                relation: "夫",
                phone: "055-248-3315",
                key_person: false,
            },
        ],
    },
    // 4
    Patient {
        family_name: "長田",
        given_name: "正男",
        family_name_kana: "オサダ",
        given_name_kana: "マサオ",
        birth_date: date(1929, 2, 17),
        sex: Sex::Male,
        town: &KITANO,
        block: "字上北野1452",
        building: "",
        room: "",
        latitude: 35.685833,
        longitude: 138.555124,
        landmark: "赤い屋根、コンビニの裏手。庭に柴犬あり(吠えるが噛まない)",
        physician: &DR_MOCHIZUKI,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "長田 和子",
                relation: "妻",
                phone: "055-253-2208",
                key_person: true,
            },
            Family {
                name: "長田 浩",
                relation: "長男",
                phone: "090-8145-3372",
                key_person: false,
            },
        ],
    },
    // 5
    Patient {
        family_name: "鈴木",
        given_name: "トメ",
        family_name_kana: "スズキ",
        given_name_kana: "トメ",
        birth_date: date(1925, 6, 30),
        sex: Sex::Female,
        town: &WAKABADAI,
        block: "2丁目11-6",
        building: "",
        room: "",
        latitude: 35.681274,
        longitude: 138.570851,
        landmark: "若葉台公園の東側、門の前に大きな松の木",
        physician: &DR_KITAMURA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "鈴木 次郎",
                relation: "次男",
                phone: "090-2263-8815",
                key_person: true,
            },
            Family {
                name: "鈴木 幸子",
                relation: "次男の妻",
                phone: "080-1154-6630",
                key_person: false,
            },
        ],
    },
    // 6
    Patient {
        family_name: "田中",
        given_name: "茂",
        family_name_kana: "タナカ",
        given_name_kana: "シゲル",
        birth_date: date(1933, 12, 5),
        sex: Sex::Male,
        town: &HONCHO,
        block: "4丁目3-9",
        building: "",
        room: "",
        latitude: 35.661583,
        longitude: 138.565712,
        landmark: "本町商店街のアーケード出口、元酒店の2階。裏口の階段から入る",
        physician: &DR_KOBAYASHI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "田中 美代子",
                relation: "妻",
                phone: "055-252-1943",
                key_person: true,
            },
            Family {
                name: "田中 修",
                relation: "長男",
                phone: "080-7723-0519",
                key_person: false,
            },
        ],
    },
    // 7
    Patient {
        family_name: "高橋",
        given_name: "キヨ",
        family_name_kana: "タカハシ",
        given_name_kana: "キヨ",
        birth_date: date(1927, 9, 21),
        sex: Sex::Female,
        town: &KAWABATACHO,
        block: "1丁目5-12",
        building: "",
        room: "",
        latitude: 35.670384,
        longitude: 138.548621,
        landmark: "川端橋を渡ってすぐ左、黒い板塀の家。駐車は橋のたもとの空き地",
        physician: &DR_KOBAYASHI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "高橋 正一",
                relation: "長男",
                phone: "055-250-6634",
                key_person: true,
            },
            Family {
                name: "村松 久美子",
                relation: "長女",
                phone: "090-4451-2768",
                key_person: false,
            },
        ],
    },
    // 8
    Patient {
        family_name: "伊藤",
        given_name: "清",
        family_name_kana: "イトウ",
        given_name_kana: "キヨシ",
        birth_date: date(1935, 1, 28),
        sex: Sex::Male,
        town: &MIYAMAE,
        block: "3丁目19-2",
        building: "",
        room: "",
        latitude: 35.660214,
        longitude: 138.552283,
        landmark: "みどり野神社の鳥居の右隣、玄関にスロープ",
        physician: &DR_SAKURAI,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "伊藤 節子",
                relation: "妻",
                phone: "055-247-9021",
                key_person: true,
            },
            Family {
                name: "伊藤 大輔",
                relation: "孫",
                phone: "070-6628-4410",
                key_person: false,
            },
        ],
    },
    // 9
    Patient {
        family_name: "小池",
        given_name: "ミツ",
        family_name_kana: "コイケ",
        given_name_kana: "ミツ",
        birth_date: date(1926, 3, 14),
        sex: Sex::Female,
        town: &NISHIHARA,
        block: "字中原278",
        building: "",
        room: "",
        latitude: 35.654127,
        longitude: 138.546982,
        landmark: "西原公民館の北、ビニールハウスの奥の平屋。道が狭いので車は公民館に",
        physician: &DR_AMEMIYA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "小池 一男",
                relation: "長男",
                phone: "090-1123-5567",
                key_person: true,
            },
            Family {
                name: "小池 房子",
                relation: "長男の妻",
                phone: "055-245-3380",
                key_person: false,
            },
        ],
    },
    // 10
    Patient {
        family_name: "斎藤",
        given_name: "勇",
        family_name_kana: "サイトウ",
        given_name_kana: "イサム",
        birth_date: date(1940, 7, 7),
        sex: Sex::Male,
        town: &MINAMISHINMACHI,
        block: "1丁目9-4",
        building: "コーポ南新町",
        room: "102",
        latitude: 35.647521,
        longitude: 138.560634,
        landmark: "南新町のスーパーの駐車場の奥、2階建てアパートの1階角部屋",
        physician: &DR_MINAMI,
        station: &STATION_AOBA,
        family: &[Family {
            name: "斎藤 洋子",
            relation: "長女",
            phone: "080-2209-7714",
            key_person: true,
        }],
    },
    // 11
    Patient {
        family_name: "加藤",
        given_name: "ハル",
        family_name_kana: "カトウ",
        given_name_kana: "ハル",
        birth_date: date(1928, 10, 2),
        sex: Sex::Female,
        town: &FUJIMI,
        block: "2丁目6-18",
        building: "",
        room: "",
        latitude: 35.648587,
        longitude: 138.573824,
        landmark:
            "市立病院の南門から100m、白い2階建て。玄関横にキーボックス(番号はステーションで管理)",
        physician: &DR_SHIMIZU,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "加藤 明",
                relation: "長男",
                phone: "090-6671-2240",
                key_person: true,
            },
            Family {
                name: "加藤 真由美",
                relation: "長男の妻",
                phone: "080-3390-7152",
                key_person: false,
            },
            Family {
                name: "田辺 昌子",
                relation: "長女",
                phone: "055-226-4418",
                key_person: false,
            },
        ],
    },
    // 12
    Patient {
        family_name: "古屋",
        given_name: "義雄",
        family_name_kana: "フルヤ",
        given_name_kana: "ヨシオ",
        birth_date: date(1932, 5, 19),
        sex: Sex::Male,
        town: &ASAHIMACHI,
        block: "3丁目7-1",
        building: "",
        room: "",
        latitude: 35.658876,
        longitude: 138.575902,
        landmark: "旭町交差点の角、閉店した米店の奥の住居。店のシャッター横の通路から",
        physician: &DR_WATANABE,
        station: &STATION_HIMAWARI,
        family: &[
            Family {
                name: "古屋 キミ",
                relation: "妻",
                phone: "055-249-1376",
                key_person: true,
            },
            Family {
                name: "古屋 和也",
                relation: "長男",
                phone: "080-5524-3391",
                key_person: false,
            },
        ],
    },
    // 13
    Patient {
        family_name: "土屋",
        given_name: "文子",
        family_name_kana: "ツチヤ",
        given_name_kana: "フミコ",
        birth_date: date(1938, 1, 9),
        sex: Sex::Female,
        town: &AOBACHO,
        block: "1丁目14-8",
        building: "メゾン青葉",
        room: "305",
        latitude: 35.654102,
        longitude: 138.584577,
        landmark: "青葉町のドラッグストアの隣、3階建てマンション。エレベーターなし",
        physician: &DR_WATANABE,
        station: &STATION_AOBA,
        family: &[Family {
            name: "土屋 拓也",
            relation: "長男",
            phone: "090-7781-2053",
            key_person: true,
        }],
    },
    // 14
    Patient {
        family_name: "萩原",
        given_name: "武",
        family_name_kana: "ハギワラ",
        given_name_kana: "タケシ",
        birth_date: date(1945, 8, 15),
        sex: Sex::Male,
        town: &KITANO,
        block: "2丁目3-27",
        building: "",
        room: "",
        latitude: 35.684902,
        longitude: 138.557733,
        landmark: "北野駅北口から徒歩5分、ガソリンスタンドの向かい",
        physician: &DR_MOCHIZUKI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "萩原 里美",
                relation: "妻",
                phone: "090-2284-6610",
                key_person: true,
            },
            Family {
                name: "萩原 涼",
                relation: "長男",
                phone: "070-1459-8823",
                key_person: false,
            },
        ],
    },
    // 15
    Patient {
        family_name: "志村",
        given_name: "静江",
        family_name_kana: "シムラ",
        given_name_kana: "シズエ",
        birth_date: date(1934, 11, 30),
        sex: Sex::Female,
        town: &WAKABADAI,
        block: "4丁目1-3",
        building: "若葉台団地3号棟",
        room: "412",
        latitude: 35.682518,
        longitude: 138.571446,
        landmark: "若葉台団地の3号棟、集会所の隣の入口。駐車は来客用スペースへ",
        physician: &DR_KITAMURA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "志村 裕之",
                relation: "長男",
                phone: "080-4416-7709",
                key_person: true,
            },
            Family {
                name: "小野 恵",
                relation: "長女",
                phone: "090-3378-1102",
                key_person: false,
            },
        ],
    },
    // 16
    Patient {
        family_name: "樋口",
        given_name: "一郎",
        family_name_kana: "ヒグチ",
        given_name_kana: "イチロウ",
        birth_date: date(1930, 4, 4),
        sex: Sex::Male,
        town: &SAKURAMACHI,
        block: "3丁目22-10",
        building: "",
        room: "",
        latitude: 35.668014,
        longitude: 138.560542,
        landmark: "桜町公園の西、生け垣のある瓦屋根の家。玄関は南側",
        physician: &DR_SAKURAI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "樋口 ハツ",
                relation: "妻",
                phone: "055-247-3329",
                key_person: true,
            },
            Family {
                name: "樋口 正人",
                relation: "長男",
                phone: "090-5582-1146",
                key_person: false,
            },
            Family {
                name: "樋口 京子",
                relation: "長男の妻",
                phone: "080-5582-7730",
                key_person: false,
            },
        ],
    },
    // 17
    Patient {
        family_name: "堀内",
        given_name: "ヨシ",
        family_name_kana: "ホリウチ",
        given_name_kana: "ヨシ",
        birth_date: date(1925, 12, 24),
        sex: Sex::Female,
        town: &MIDORIGAOKA,
        block: "3丁目5-2",
        building: "",
        room: "",
        latitude: 35.677254,
        longitude: 138.559108,
        landmark: "緑ヶ丘郵便局の裏手、物干し台のある家",
        physician: &DR_KOBAYASHI,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "堀内 昭",
                relation: "長男",
                phone: "055-251-6681",
                key_person: true,
            },
            Family {
                name: "堀内 孝子",
                relation: "長男の妻",
                phone: "090-4412-5590",
                key_person: false,
            },
            Family {
                name: "三井 和恵",
                relation: "孫",
                phone: "070-2211-4437",
                key_person: false,
            },
        ],
    },
    // 18
    Patient {
        family_name: "向山",
        given_name: "博",
        family_name_kana: "ムコウヤマ",
        given_name_kana: "ヒロシ",
        birth_date: date(1948, 3, 3),
        sex: Sex::Male,
        town: &MIYAMAE,
        block: "1丁目2-5",
        building: "",
        room: "",
        latitude: 35.661201,
        longitude: 138.553790,
        landmark: "宮前公民館の隣、緑のフェンス。玄関は物置になっているので勝手口から",
        physician: &DR_MOCHIZUKI,
        station: &STATION_ISHIKAI,
        family: &[Family {
            name: "向山 典子",
            relation: "妻",
            phone: "080-6613-2248",
            key_person: true,
        }],
    },
    // 19
    Patient {
        family_name: "山本",
        given_name: "和子",
        family_name_kana: "ヤマモト",
        given_name_kana: "カズコ",
        birth_date: date(1941, 6, 11),
        sex: Sex::Female,
        town: &HONCHO,
        block: "1丁目11-4",
        building: "パークハイム本町",
        room: "801",
        latitude: 35.662734,
        longitude: 138.564152,
        landmark: "本町交差点の角の高層マンション。夜間は風除室のインターホンで801を呼ぶ",
        physician: &DR_KITAMURA,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "山本 隆之",
                relation: "長男",
                phone: "090-8832-4106",
                key_person: true,
            },
            Family {
                name: "竹内 美香",
                relation: "長女",
                phone: "080-2276-3315",
                key_person: false,
            },
        ],
    },
    // 20
    Patient {
        family_name: "吉田",
        given_name: "勝",
        family_name_kana: "ヨシダ",
        given_name_kana: "マサル",
        birth_date: date(1936, 9, 9),
        sex: Sex::Male,
        town: &KAWABATACHO,
        block: "2丁目8-16",
        building: "",
        room: "",
        latitude: 35.671195,
        longitude: 138.547433,
        landmark: "川沿いの土手道を北へ、製材所の隣",
        physician: &DR_KOBAYASHI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "吉田 良子",
                relation: "妻",
                phone: "055-250-1182",
                key_person: true,
            },
            Family {
                name: "吉田 大樹",
                relation: "長男",
                phone: "090-4523-6678",
                key_person: false,
            },
        ],
    },
    // 21
    Patient {
        family_name: "松本",
        given_name: "千代",
        family_name_kana: "マツモト",
        given_name_kana: "チヨ",
        birth_date: date(1929, 7, 25),
        sex: Sex::Female,
        town: &MINAMISHINMACHI,
        block: "3丁目4-2",
        building: "",
        room: "",
        latitude: 35.646314,
        longitude: 138.561879,
        landmark: "南新町保育園の向かい、白い外壁の2階建て。室内に小型犬2匹",
        physician: &DR_MINAMI,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "松本 秀樹",
                relation: "長男",
                phone: "090-3371-8824",
                key_person: true,
            },
            Family {
                name: "松本 和美",
                relation: "長男の妻",
                phone: "080-9914-2201",
                key_person: false,
            },
        ],
    },
    // 22
    Patient {
        family_name: "木村",
        given_name: "進",
        family_name_kana: "キムラ",
        given_name_kana: "ススム",
        birth_date: date(1950, 2, 14),
        sex: Sex::Male,
        town: &FUJIMI,
        block: "1丁目15-7",
        building: "ロイヤル富士見",
        room: "206",
        latitude: 35.649315,
        longitude: 138.574702,
        landmark: "市立病院の東隣、1階に薬局が入ったマンションの2階",
        physician: &DR_SHIMIZU,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "木村 陽子",
                relation: "妻",
                phone: "090-1678-3305",
                key_person: true,
            },
            Family {
                name: "木村 翔",
                relation: "長男",
                phone: "070-3356-9918",
                key_person: false,
            },
        ],
    },
    // 23
    Patient {
        family_name: "林",
        given_name: "幸子",
        family_name_kana: "ハヤシ",
        given_name_kana: "サチコ",
        birth_date: date(1943, 10, 10),
        sex: Sex::Female,
        town: &HIGASHISHINMACHI,
        block: "1丁目20-5",
        building: "",
        room: "",
        latitude: 35.662895,
        longitude: 138.580733,
        landmark: "東新町第二公園の北角、ピンクの外壁の家",
        physician: &DR_WATANABE,
        station: &STATION_HIMAWARI,
        family: &[
            Family {
                name: "林 康弘",
                relation: "夫",
                phone: "055-248-6640",
                key_person: true,
            },
            Family {
                name: "林 亜紀",
                relation: "長女",
                phone: "080-1137-5562",
                key_person: false,
            },
        ],
    },
    // 24
    Patient {
        family_name: "山口",
        given_name: "実",
        family_name_kana: "ヤマグチ",
        given_name_kana: "ミノル",
        birth_date: date(1939, 3, 21),
        sex: Sex::Male,
        town: &MATSUBARA,
        block: "2丁目9-12",
        building: "",
        room: "",
        latitude: 35.641587,
        longitude: 138.551936,
        landmark: "松原小学校の裏門の前、青い自販機の横の路地を入る",
        physician: &DR_AMEMIYA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "山口 春江",
                relation: "妻",
                phone: "055-246-2219",
                key_person: true,
            },
            Family {
                name: "山口 健太郎",
                relation: "長男",
                phone: "090-5529-7013",
                key_person: false,
            },
        ],
    },
    // 25
    Patient {
        family_name: "池田",
        given_name: "ふみ",
        family_name_kana: "イケダ",
        given_name_kana: "フミ",
        birth_date: date(1927, 5, 5),
        sex: Sex::Female,
        town: &NISHIHARA,
        block: "字下原1033-2",
        building: "",
        room: "",
        latitude: 35.653388,
        longitude: 138.545217,
        landmark: "桃畑の中の農道の突き当たり。夜は街灯がないので懐中電灯を",
        physician: &DR_AMEMIYA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "池田 光男",
                relation: "長男",
                phone: "090-6621-0047",
                key_person: true,
            },
            Family {
                name: "池田 恭子",
                relation: "長男の妻",
                phone: "080-4438-2271",
                key_person: false,
            },
        ],
    },
    // 26
    Patient {
        family_name: "橋本",
        given_name: "正",
        family_name_kana: "ハシモト",
        given_name_kana: "タダシ",
        birth_date: date(1944, 12, 1),
        sex: Sex::Male,
        town: &ASAHIMACHI,
        block: "1丁目3-8",
        building: "コーポ旭",
        room: "201",
        latitude: 35.659512,
        longitude: 138.574321,
        landmark: "旭町郵便局の裏のアパート。外階段を上がって右の部屋",
        physician: &DR_WATANABE,
        station: &STATION_HIMAWARI,
        family: &[Family {
            name: "橋本 美紀",
            relation: "姪",
            phone: "090-2215-6638",
            key_person: true,
        }],
    },
    // 27
    Patient {
        family_name: "石川",
        given_name: "久子",
        family_name_kana: "イシカワ",
        given_name_kana: "ヒサコ",
        birth_date: date(1933, 2, 28),
        sex: Sex::Female,
        town: &AOBACHO,
        block: "3丁目11-1",
        building: "",
        room: "",
        latitude: 35.652865,
        longitude: 138.585912,
        landmark: "青葉町集会所の南、石垣の上の家。坂が急なので車は坂の下に",
        physician: &DR_SHIMIZU,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "石川 聡",
                relation: "長男",
                phone: "080-7762-1143",
                key_person: true,
            },
            Family {
                name: "石川 由美子",
                relation: "長男の妻",
                phone: "055-255-4410",
                key_person: false,
            },
        ],
    },
    // 28
    Patient {
        family_name: "前田",
        given_name: "昭",
        family_name_kana: "マエダ",
        given_name_kana: "アキラ",
        birth_date: date(1946, 6, 6),
        sex: Sex::Male,
        town: &FUJIMI,
        block: "3丁目1-20",
        building: "",
        room: "",
        latitude: 35.647744,
        longitude: 138.572218,
        landmark: "富士見坂を上りきった所、給水塔の手前",
        physician: &DR_MINAMI,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "前田 君子",
                relation: "妻",
                phone: "055-244-8873",
                key_person: true,
            },
            Family {
                name: "前田 直人",
                relation: "長男",
                phone: "090-1146-2287",
                key_person: false,
            },
        ],
    },
    // 29
    Patient {
        family_name: "藤田",
        given_name: "美智子",
        family_name_kana: "フジタ",
        given_name_kana: "ミチコ",
        birth_date: date(1952, 9, 17),
        sex: Sex::Female,
        town: &MIYAMAE,
        block: "2丁目7-13",
        building: "シャトー宮前",
        room: "105",
        latitude: 35.660872,
        longitude: 138.554401,
        landmark: "宮前のコンビニの裏手、3階建てアパートの1階いちばん奥",
        physician: &DR_SAKURAI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "藤田 敏夫",
                relation: "夫",
                phone: "090-3328-5517",
                key_person: true,
            },
            Family {
                name: "藤田 結衣",
                relation: "長女",
                phone: "080-6674-1120",
                key_person: false,
            },
        ],
    },
    // 30: the younger patient (ALS, 45 in November 2026)
    Patient {
        family_name: "岡田",
        given_name: "健",
        family_name_kana: "オカダ",
        given_name_kana: "ケン",
        birth_date: date(1981, 3, 8),
        sex: Sex::Male,
        town: &MIDORIGAOKA,
        block: "4丁目2-9",
        building: "",
        room: "",
        latitude: 35.678106,
        longitude: 138.558337,
        landmark: "緑ヶ丘の新しい住宅地、玄関前に車いす用スロープのある白い家",
        physician: &DR_KITAMURA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "岡田 瞳",
                relation: "妻",
                phone: "090-8812-6604",
                key_person: true,
            },
            Family {
                name: "岡田 正志",
                relation: "父",
                phone: "055-251-9023",
                key_person: false,
            },
        ],
    },
    // 31
    Patient {
        family_name: "長谷川",
        given_name: "トシ",
        family_name_kana: "ハセガワ",
        given_name_kana: "トシ",
        birth_date: date(1926, 8, 8),
        sex: Sex::Female,
        town: &HIGASHISHINMACHI,
        block: "2丁目9-1",
        building: "",
        room: "",
        latitude: 35.663912,
        longitude: 138.581604,
        landmark: "東新町の八百屋の2階。店の横の急な階段を上がる",
        physician: &DR_MINAMI,
        station: &STATION_HIMAWARI,
        family: &[Family {
            name: "長谷川 浩二",
            relation: "長男",
            phone: "090-4436-1178",
            key_person: true,
        }],
    },
    // 32
    Patient {
        family_name: "近藤",
        given_name: "三郎",
        family_name_kana: "コンドウ",
        given_name_kana: "サブロウ",
        birth_date: date(1931, 3, 15),
        sex: Sex::Male,
        town: &WAKABADAI,
        block: "1丁目6-4",
        building: "",
        room: "",
        latitude: 35.680621,
        longitude: 138.569905,
        landmark: "若葉台バス停の前、生垣のある和風の家",
        physician: &DR_MOCHIZUKI,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "近藤 ヨシ子",
                relation: "妻",
                phone: "055-254-3307",
                key_person: true,
            },
            Family {
                name: "近藤 茂樹",
                relation: "長男",
                phone: "090-2281-4469",
                key_person: false,
            },
        ],
    },
    // 33
    Patient {
        family_name: "坂本",
        given_name: "節子",
        family_name_kana: "サカモト",
        given_name_kana: "セツコ",
        birth_date: date(1940, 4, 29),
        sex: Sex::Female,
        town: &MINAMISHINMACHI,
        block: "2丁目12-8",
        building: "",
        room: "",
        latitude: 35.646982,
        longitude: 138.559615,
        landmark: "南新町の踏切を渡って右、3軒目",
        physician: &DR_SHIMIZU,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "坂本 修一",
                relation: "長男",
                phone: "080-3312-5561",
                key_person: true,
            },
            Family {
                name: "坂本 直美",
                relation: "長男の妻",
                phone: "070-4482-1196",
                key_person: false,
            },
        ],
    },
    // 34
    Patient {
        family_name: "遠藤",
        given_name: "弘",
        family_name_kana: "エンドウ",
        given_name_kana: "ヒロシ",
        birth_date: date(1937, 10, 18),
        sex: Sex::Male,
        town: &MATSUBARA,
        block: "1丁目4-17",
        building: "",
        room: "",
        latitude: 35.642601,
        longitude: 138.553112,
        landmark: "松原郵便局の並び、ブロック塀に表札",
        physician: &DR_AMEMIYA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "遠藤 絹子",
                relation: "妻",
                phone: "055-246-5578",
                key_person: true,
            },
            Family {
                name: "遠藤 隆史",
                relation: "長男",
                phone: "090-6615-3340",
                key_person: false,
            },
        ],
    },
    // 35: lives alone, no key person among the family
    Patient {
        family_name: "青木",
        given_name: "すみ",
        family_name_kana: "アオキ",
        given_name_kana: "スミ",
        birth_date: date(1930, 1, 1),
        sex: Sex::Female,
        town: &SAKURAMACHI,
        block: "1丁目3-11",
        building: "",
        room: "",
        latitude: 35.666104,
        longitude: 138.561883,
        landmark:
            "桜町の酒店の向かい、路地の奥の平屋。勝手口横にキーボックス(番号はステーションで管理)",
        physician: &DR_KOBAYASHI,
        station: &STATION_MIDORI,
        family: &[
            Family {
                name: "青木 正",
                relation: "甥",
                phone: "090-7712-4405",
                key_person: false,
            },
            Family {
                name: "大森 幸子",
                relation: "姪",
                phone: "080-2263-5519",
                key_person: false,
            },
        ],
    },
    // 36
    Patient {
        family_name: "西村",
        given_name: "和夫",
        family_name_kana: "ニシムラ",
        given_name_kana: "カズオ",
        birth_date: date(1949, 11, 11),
        sex: Sex::Male,
        town: &ASAHIMACHI,
        block: "2丁目14-6",
        building: "",
        room: "",
        latitude: 35.657914,
        longitude: 138.576487,
        landmark: "旭町の寺の参道入口、瓦屋根の大きな家。門から玄関まで30m",
        physician: &DR_MINAMI,
        station: &STATION_HIMAWARI,
        family: &[
            Family {
                name: "西村 純子",
                relation: "妻",
                phone: "055-249-8841",
                key_person: true,
            },
            Family {
                name: "西村 拓海",
                relation: "長男",
                phone: "080-5516-0273",
                key_person: false,
            },
            Family {
                name: "西村 亮",
                relation: "次男",
                phone: "090-9913-2654",
                key_person: false,
            },
        ],
    },
    // 37
    Patient {
        family_name: "福田",
        given_name: "恵美子",
        family_name_kana: "フクダ",
        given_name_kana: "エミコ",
        birth_date: date(1958, 7, 13),
        sex: Sex::Female,
        town: &AOBACHO,
        block: "2丁目18-3",
        building: "グランドール青葉",
        room: "703",
        latitude: 35.653771,
        longitude: 138.583245,
        landmark: "青葉町の大通り沿い、1階が歯科医院のマンション",
        physician: &DR_SHIMIZU,
        station: &STATION_AOBA,
        family: &[
            Family {
                name: "福田 康介",
                relation: "夫",
                phone: "090-3382-7741",
                key_person: true,
            },
            Family {
                name: "福田 陽菜",
                relation: "長女",
                phone: "070-8841-2236",
                key_person: false,
            },
            Family {
                name: "田村 京子",
                relation: "姉",
                phone: "055-226-7715",
                key_person: false,
            },
        ],
    },
    // 38
    Patient {
        family_name: "太田",
        given_name: "豊",
        family_name_kana: "オオタ",
        given_name_kana: "ユタカ",
        birth_date: date(1935, 5, 31),
        sex: Sex::Male,
        town: &KITANO,
        block: "1丁目12-5",
        building: "",
        room: "",
        latitude: 35.683715,
        longitude: 138.556274,
        landmark: "北野第一公園の北側、古い木造2階建て。犬小屋あり(犬はおとなしい)",
        physician: &DR_MOCHIZUKI,
        station: &STATION_MIDORI,
        family: &[Family {
            name: "太田 光子",
            relation: "妻",
            phone: "055-253-6619",
            key_person: true,
        }],
    },
    // 39
    Patient {
        family_name: "三浦",
        given_name: "きく",
        family_name_kana: "ミウラ",
        given_name_kana: "キク",
        birth_date: date(1925, 2, 11),
        sex: Sex::Female,
        town: &NISHIHARA,
        block: "字上原56",
        building: "",
        room: "",
        latitude: 35.655298,
        longitude: 138.547791,
        landmark: "農協倉庫の裏、納屋のある農家。母屋は奥の建物",
        physician: &DR_AMEMIYA,
        station: &STATION_ISHIKAI,
        family: &[
            Family {
                name: "三浦 勝男",
                relation: "長男",
                phone: "055-245-7762",
                key_person: true,
            },
            Family {
                name: "三浦 あけみ",
                relation: "長男の妻",
                phone: "090-1131-6628",
                key_person: false,
            },
            Family {
                name: "三浦 大地",
                relation: "孫",
                phone: "080-2254-9937",
                key_person: false,
            },
        ],
    },
    // 40: lives alone, sister far away, no key person
    Patient {
        family_name: "原田",
        given_name: "洋一",
        family_name_kana: "ハラダ",
        given_name_kana: "ヨウイチ",
        birth_date: date(1960, 8, 20),
        sex: Sex::Male,
        town: &MATSUBARA,
        block: "3丁目6-1",
        building: "レジデンス松原",
        room: "301",
        latitude: 35.640933,
        longitude: 138.552708,
        landmark: "松原の大型スーパーの北、茶色のタイル張りのマンション",
        physician: &DR_MINAMI,
        station: &STATION_AOBA,
        family: &[Family {
            name: "原田 かおり",
            relation: "妹",
            phone: "080-6627-1154",
            key_person: false,
        }],
    },
];

// ---------------------------------------------------------------------------
// Accounts, care teams and consent
// ---------------------------------------------------------------------------

/// Demo accounts (one shared demo password), each patient's care team
/// (attending physician and nurse station since 2024-04-01; every third
/// patient also a secondary physician of the same team), and group-care
/// consent for the patient's clinic team — except every tenth patient, whose
/// family has not agreed yet, so covering doctors cannot read that card.
async fn seed_access(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    patient_ids: &[Uuid],
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    let logins: Vec<(Uuid, String)> = STAFF
        .iter()
        .filter_map(|s| demo_login_id(s.n).map(|login| (s.id(), login)))
        .collect();
    sqlx::query(
        "update staff set login_id = l.login_id, password_hash = $3
           from unnest($1::uuid[], $2::text[]) as l(id, login_id)
          where staff.id = l.id",
    )
    .bind(column(&logins, |l| l.0))
    .bind(column(&logins, |l| l.1.clone()))
    .bind(password_hash)
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into care_team_members (id, patient_id, role, staff_id, organization_id, valid_from)
         select gen_random_uuid(), p.id, 'attending', p.attending_physician_id, null, date '2024-04-01'
           from patients p where p.id = any($1)
         union all
         select gen_random_uuid(), p.id, 'nurse_station', null, p.nurse_station_id, date '2024-04-01'
           from patients p where p.id = any($1)",
    )
    .bind(patient_ids)
    .execute(&mut **tx)
    .await?;

    // Secondary physician: the first other physician of the same team.
    sqlx::query(
        "insert into care_team_members (id, patient_id, role, staff_id, valid_from)
         select gen_random_uuid(), p.id, 'secondary',
                (select s.id from staff s
                   join clinic_team_members t on t.organization_id = s.organization_id
                  where t.team_id = p.clinic_team_id and s.role = 'physician'
                    and s.id <> p.attending_physician_id
                  order by s.id limit 1),
                date '2024-04-01'
           from unnest($1::uuid[]) with ordinality as u(id, n)
           join patients p on p.id = u.id
          where u.n % 3 = 0",
    )
    .bind(patient_ids)
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into group_care_consents
             (id, patient_id, clinic_team_id, consented_by_name, consented_by_relation,
              consented_on, scope)
         select gen_random_uuid(), p.id, p.clinic_team_id,
                coalesce(f.name, p.family_name || ' ' || p.given_name),
                coalesce(f.relation, '本人'), date '2024-04-01', 'read_and_house_call'
           from unnest($1::uuid[]) with ordinality as u(id, n)
           join patients p on p.id = u.id
           left join family_contacts f on f.patient_id = p.id and f.priority = 1
          where u.n % 10 <> 0",
    )
    .bind(patient_ids)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_fixed() {
        assert_eq!(
            DEMO_PATIENT_1.to_string(),
            "00000000-0000-4000-8000-000100000001"
        );
        assert_eq!(demo_patient_id(1), DEMO_PATIENT_1);
        assert_eq!(
            demo_patient_id(40).to_string(),
            "00000000-0000-4000-8000-000100000028"
        );
        assert_eq!(DEMO_PATIENT_1.get_version_num(), 4);
        assert_eq!(PATIENTS.len(), DEMO_PATIENT_COUNT as usize);
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = HashSet::new();
        assert!(TEAMS.iter().all(|t| ids.insert(t.id())));
        assert!(ORGANIZATIONS.iter().all(|o| ids.insert(o.id())));
        assert!(STAFF.iter().all(|s| ids.insert(s.id())));
        assert!((1..=DEMO_PATIENT_COUNT).all(|n| ids.insert(demo_patient_id(n))));
    }

    #[test]
    fn references_are_consistent() {
        for s in STAFF {
            let expected = match s.role {
                Role::Physician => OrgKind::Clinic,
                Role::Nurse => OrgKind::NurseStation,
                Role::Coordinator | Role::Admin => OrgKind::Secretariat,
            };
            assert_eq!(s.org.kind, expected, "{}", s.family_name);
            assert!(ORGANIZATIONS.iter().any(|o| o.n == s.org.n));
        }
        for o in ORGANIZATIONS {
            assert_eq!(o.team.is_some(), o.kind == OrgKind::Clinic, "{}", o.name);
        }
        for p in PATIENTS {
            assert_eq!(p.physician.role, Role::Physician);
            assert!(p.physician.org.team.is_some());
            assert_eq!(p.station.kind, OrgKind::NurseStation);
            assert!(STAFF.iter().any(|s| s.n == p.physician.n));
        }
    }

    #[test]
    fn counts_match_the_brief() {
        let count = |kind| ORGANIZATIONS.iter().filter(|o| o.kind == kind).count();
        assert_eq!(count(OrgKind::Clinic), 6);
        assert_eq!(count(OrgKind::NurseStation), 4);
        assert_eq!(count(OrgKind::Hospital), 1);
        assert_eq!(count(OrgKind::Secretariat), 1);
        let role = |r| STAFF.iter().filter(|s| s.role == r).count();
        assert_eq!(role(Role::Physician), 8);
        assert_eq!(role(Role::Nurse), 8);
        assert_eq!(role(Role::Coordinator), 1);
        assert_eq!(role(Role::Admin), 1);
    }

    #[test]
    fn family_contacts_are_plausible() {
        let mut with_key_person = 0;
        for p in PATIENTS {
            assert!((1..=3).contains(&p.family.len()), "{}", p.family_name);
            let keys = p.family.iter().filter(|f| f.key_person).count();
            assert!(keys <= 1, "{}", p.family_name);
            with_key_person += keys;
        }
        assert!(with_key_person > PATIENTS.len() * 9 / 10);
    }

    #[test]
    fn phone_numbers_are_unique() {
        let phones: Vec<&str> = ORGANIZATIONS
            .iter()
            .map(|o| o.phone)
            .chain(STAFF.iter().map(|s| s.phone))
            .chain(
                PATIENTS
                    .iter()
                    .flat_map(|p| p.family.iter().map(|f| f.phone)),
            )
            .collect();
        let unique: HashSet<&str> = phones.iter().copied().collect();
        assert_eq!(unique.len(), phones.len());
        assert!(PATIENTS[0]
            .family
            .iter()
            .any(|f| f.phone == DEMO_FAMILY_PHONE_OF_PATIENT_1));
        for phone in phones {
            let digits: String = phone.chars().filter(|c| *c != '-').collect();
            assert!(digits.len() == 10 || digits.len() == 11, "{phone}");
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{phone}");
        }
    }

    #[test]
    fn two_patients_share_a_name() {
        let same = |a: &Patient, b: &Patient| {
            (a.family_name, a.given_name) == (b.family_name, b.given_name)
        };
        let (a, b) = (&PATIENTS[1], &PATIENTS[2]);
        assert!(same(a, b));
        assert_ne!(a.birth_date, b.birth_date);
        assert_ne!(a.street(), b.street());
        let pairs = PATIENTS
            .iter()
            .enumerate()
            .flat_map(|(i, a)| PATIENTS[i + 1..].iter().map(move |b| (a, b)))
            .filter(|(a, b)| same(a, b))
            .count();
        assert_eq!(pairs, 1);
    }

    #[test]
    fn addresses_are_well_formed() {
        for p in PATIENTS {
            let code = p.town.postal_code.replace('-', "");
            assert!(code.len() == 7 && code.chars().all(|c| c.is_ascii_digit()));
            assert!((35.60..35.72).contains(&p.latitude), "{}", p.family_name);
            assert!((138.50..138.62).contains(&p.longitude), "{}", p.family_name);
            assert_eq!(p.building.is_empty(), p.room.is_empty());
            assert!(!p.landmark.is_empty());
            assert!((1925..=1985).contains(&chrono::Datelike::year(&p.birth_date)));
        }
    }
}
