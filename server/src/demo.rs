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
//! - for every patient, the rest of the night card ([`seed_night_card`]):
//!   wishes (DNAR and death at home expected for some, none recorded for
//!   [`DEMO_NO_WISHES_PATIENTS`]), a nursing order with its
//!   「急変時の対応」 (expired for [`DEMO_EXPIRED_ORDER_PATIENT`] and the
//!   [`DEMO_RENEWAL_PATIENTS`], expiring for [`DEMO_EXPIRING_ORDER_PATIENT`]), as-needed orders, diagnoses,
//!   medicines, allergies, devices (home oxygen with its flow, PEG,
//!   catheters, PCA pump, ventilator…), infection precautions, the way in,
//!   the care manager and a short timeline; stale sections for
//!   [`DEMO_STALE_PATIENT`].
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
//! | `0006` | `nursing_orders`  | `patient << 8 \| 1`                       |
//! | `0007` | `prn_orders`      | `patient << 8 \| position`                |
//! | `0008` | `diagnoses`       | `patient << 8 \| k`                       |
//! | `0009` | `medications`     | `patient << 8 \| position`                |
//! | `000a` | `allergies`       | `patient << 8 \| k`                       |
//! | `000b` | `devices`         | `patient << 8 \| k`                       |
//! | `000c` | `timeline_entries`| `patient << 8 \| k` (1 newest)            |
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
    crate::demo_duty::seed_duty(&mut tx).await?;
    seed_night_card(&mut tx, &patient_ids).await?;

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

// ---------------------------------------------------------------------------
// The night card in full: wishes, orders, clinical summary, way in, timeline
// ---------------------------------------------------------------------------

const TABLE_NURSING_ORDERS: u128 = 0x0006;
const TABLE_PRN_ORDERS: u128 = 0x0007;
const TABLE_DIAGNOSES: u128 = 0x0008;
const TABLE_MEDICATIONS: u128 = 0x0009;
const TABLE_ALLERGIES: u128 = 0x000a;
const TABLE_DEVICES: u128 = 0x000b;
const TABLE_TIMELINE: u128 = 0x000c;

/// Patient 1's wishes: DNAR, death at home expected, no transport.
pub const DEMO_DNAR_PATIENT: u32 = 1;
/// A patient whose nursing order ran out 20 days before the seed.
pub const DEMO_EXPIRED_ORDER_PATIENT: u32 = 4;
/// A patient whose order runs out 7 days after the seed.
pub const DEMO_EXPIRING_ORDER_PATIENT: u32 = 5;
/// More patients whose nursing order ran out 20 days before the seed, for
/// the tests that renew one (one each, so that they do not meet the
/// expired order of [`DEMO_EXPIRED_ORDER_PATIENT`], which stays expired).
pub const DEMO_RENEWAL_PATIENTS: [u32; 3] = [21, 22, 23];
/// A patient whose medicines and other clinical lists nobody has updated for 120 days,
/// whose wishes were decided 400 days ago and whose way in is 500 days old.
pub const DEMO_STALE_PATIENT: u32 = 6;
/// Patients whose wishes nobody has recorded yet.
pub const DEMO_NO_WISHES_PATIENTS: [u32; 2] = [7, 17];
/// 佐藤 花子 (patient 3) has terminal cancer and a second nurse station
/// (訪問看護ステーションみどり) for nights, as the fee rules allow for the
/// end stage of a malignant tumour. So nurse1 sees both 佐藤 花子 (2 and 3)
/// and must tell them apart in search results.
pub const DEMO_SECOND_STATION_PATIENT: u32 = 3;

/// A placeholder portrait (a grey silhouette, 64×64 PNG) for patient 1:
/// the demo has no photos of real people.
const DEMO_PHOTO_PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAAwUlEQVR42u3Y2w2EMAwF0dvTVkARWzXfWwCdQAOLQmzwg5FcwBwJlDj6LN/SIwAAAAAAAAAAAAD3zfrb6gGO6H+THXCSfhNDz9f7GhRS72hQVL2XAYCh3sUAAEAwwFhvN/AJAQDASdwBUP422mEf6LCRddiJm7xK8LAFAEDZn7jwOVD4KlH4Ou2yEBsZylBvMShJ/bRBeernDEpVP2FQtvqrhjcBHqu/ZFDO+nEDgBKAkPpBwwsAgfUjBgAAAACIBewpRH8Fv2YpEwAAAABJRU5ErkJggg==";

struct Med {
    name: &'static str,
    dose: &'static str,
    schedule: &'static str,
    as_needed: bool,
}

struct DeviceSeed {
    kind: &'static str,
    detail: &'static str,
    flow: Option<f64>,
    /// Days after the seed day the next change is due.
    next_change_in: Option<i64>,
}

struct WishSeed {
    resuscitation: &'static str,
    place_of_care: &'static str,
    place_of_death: &'static str,
    death_at_home_expected: bool,
    transport: &'static str,
}

/// A clinical picture of home care, shared by several demo patients.
struct Profile {
    diagnoses: &'static [&'static str],
    meds: &'static [Med],
    prn: &'static [(&'static str, &'static str)],
    devices: &'static [DeviceSeed],
    infection: &'static str,
    on_sudden_change: &'static str,
    wishes: WishSeed,
    /// (kind, what was found or done), the newest first.
    timeline: &'static [(&'static str, &'static str)],
}

const FEVER_SUPPOSITORY: (&str, &str) = (
    "38.5℃以上の発熱",
    "アンヒバ坐剤200mg 1個挿肛。6時間以上あけて1日2回まで",
);

const HEART_FAILURE: Profile = Profile {
    diagnoses: &["慢性心不全", "心房細動", "慢性腎臓病(ステージ3)"],
    meds: &[
        Med { name: "フロセミド錠20mg", dose: "1錠", schedule: "朝食後", as_needed: false },
        Med { name: "エリキュース錠2.5mg", dose: "1錠", schedule: "朝夕食後", as_needed: false },
        Med { name: "ビソプロロールフマル酸塩錠2.5mg", dose: "1錠", schedule: "朝食後", as_needed: false },
        Med { name: "ニトロペン舌下錠0.3mg", dose: "1錠", schedule: "胸痛時。5分あけて3回まで", as_needed: true },
    ],
    prn: &[
        FEVER_SUPPOSITORY,
        ("SpO2 90%未満が続く", "酸素を3L/分まで増量し、主治医へ連絡"),
        ("胸痛", "ニトロペン舌下錠0.3mg 1錠。5分あけて3回まで、改善なければ主治医へ連絡"),
    ],
    devices: &[DeviceSeed {
        kind: "home_oxygen",
        detail: "酸素濃縮装置・鼻カニューレ。労作時は2L/分まで可。予備ボンベは寝室の押入れ",
        flow: Some(1.5),
        next_change_in: None,
    }],
    infection: "",
    on_sudden_change: "呼吸困難の増悪時は酸素を3L/分まで増量し、SpO2・脈拍・血圧・体重を測って主治医へ連絡。\n心肺停止時は本人・家族の意向(DNAR)により蘇生処置は行わず、救急要請せずに主治医へ連絡する(在宅看取り)。",
    wishes: WishSeed {
        resuscitation: "dnar",
        place_of_care: "home",
        place_of_death: "home",
        death_at_home_expected: true,
        transport: "not_wanted",
    },
    timeline: &[
        ("visit", "訪問看護: BT 36.8℃、SpO2 95%(酸素1.5L/分)、下腿浮腫軽度。体重+0.8kg/週のため主治医に報告。"),
        ("call", "夜間に長女より「息が苦しそう」と電話。酸素2L/分へ増量を指示し30分後に再度電話、SpO2 94%で落ち着く。"),
        ("visit", "訪問診療: 利尿薬は継続。本人「最期まで家にいたい」、長女も同意。"),
    ],
};

const TERMINAL_CANCER: Profile = Profile {
    diagnoses: &["膵臓がん(多発肝転移)", "がん性疼痛"],
    meds: &[
        Med { name: "オキシコンチンTR錠10mg", dose: "1錠", schedule: "8時・20時", as_needed: false },
        Med { name: "マグミット錠330mg", dose: "2錠", schedule: "朝夕食後", as_needed: false },
        Med { name: "オキノーム散5mg", dose: "1包", schedule: "痛むとき。1時間あけて", as_needed: true },
        Med { name: "ノバミン錠5mg", dose: "1錠", schedule: "吐き気のあるとき", as_needed: true },
    ],
    prn: &[
        ("疼痛時", "PCAのレスキューを1回。30分で効かなければもう1回。1時間に3回を超えたら主治医へ連絡"),
        ("嘔気", "ノバミン錠5mg 1錠"),
        FEVER_SUPPOSITORY,
    ],
    devices: &[
        DeviceSeed {
            kind: "central_line",
            detail: "CVポート(右前胸部)。針は週1回交換",
            flow: None,
            next_change_in: Some(3),
        },
        DeviceSeed {
            kind: "pump",
            detail: "PCAポンプ: オキファスト持続皮下注 0.5mL/時、レスキュー0.5mL(ロックアウト15分)",
            flow: None,
            next_change_in: None,
        },
    ],
    infection: "",
    on_sudden_change: "痛みが強いときはレスキュー後に評価し、改善しなければ主治医へ連絡。\n呼吸が止まったときは看取りの方針のため救急要請しない。訪問看護師が訪問して主治医へ連絡し、死亡診断は主治医または連携医が往診して行う。",
    wishes: WishSeed {
        resuscitation: "dnar",
        place_of_care: "home",
        place_of_death: "home",
        death_at_home_expected: true,
        transport: "not_wanted",
    },
    timeline: &[
        ("house_call", "往診(連携医): 夜間の疼痛増強。PCAベースを0.5mL/時へ増量。家族へ看取りの経過を説明。"),
        ("visit", "訪問看護: 傾眠傾向、経口摂取わずか。レスキュー使用 1日4回。"),
        ("note", "長女より「苦しまずに家で」と改めて確認。ステーション間で夜間の連絡先を共有した。"),
    ],
};

const DEMENTIA: Profile = Profile {
    diagnoses: &["アルツハイマー型認知症", "高血圧症", "骨粗鬆症"],
    meds: &[
        Med { name: "ドネペジル塩酸塩OD錠5mg", dose: "1錠", schedule: "朝食後", as_needed: false },
        Med { name: "アムロジピンOD錠5mg", dose: "1錠", schedule: "朝食後", as_needed: false },
        Med { name: "カロナール錠200mg", dose: "2錠", schedule: "発熱・痛みのあるとき", as_needed: true },
    ],
    prn: &[
        ("38.0℃以上の発熱", "カロナール錠200mg 2錠。誤嚥性肺炎を疑いSpO2を測る"),
        ("夜間の不穏で眠れない", "リスペリドン内用液0.5mL"),
    ],
    devices: &[],
    infection: "",
    on_sudden_change: "発熱・SpO2低下時は誤嚥性肺炎を疑い、バイタルを測って主治医へ連絡。\n意識障害や手足の麻痺が急に出たときは救急要請(119)。",
    wishes: WishSeed {
        resuscitation: "full",
        place_of_care: "home",
        place_of_death: "undecided",
        death_at_home_expected: false,
        transport: "discuss",
    },
    timeline: &[
        ("visit", "訪問看護: 食事量は普段どおり。夜間の徘徊が週2回あり、家族の介護負担を聴取。"),
        ("visit", "訪問診療: 血圧132/78。ショートステイ利用をケアマネジャーと調整。"),
    ],
};

const STROKE_PEG: Profile = Profile {
    diagnoses: &["脳梗塞後遺症(右片麻痺)", "嚥下障害", "神経因性膀胱"],
    meds: &[
        Med { name: "バイアスピリン錠100mg", dose: "1錠", schedule: "朝(胃ろうから簡易懸濁)", as_needed: false },
        Med { name: "ランソプラゾールOD錠15mg", dose: "1錠", schedule: "朝(胃ろうから)", as_needed: false },
    ],
    prn: &[
        ("尿が出ない・カテーテル閉塞", "膀胱洗浄。改善しなければ訪問看護でカテーテル交換"),
        FEVER_SUPPOSITORY,
    ],
    devices: &[
        DeviceSeed {
            kind: "peg",
            detail: "胃ろう(バルーン型20Fr)。栄養は朝昼夕",
            flow: None,
            next_change_in: Some(40),
        },
        DeviceSeed {
            kind: "urinary_catheter",
            detail: "膀胱留置カテーテル16Fr",
            flow: None,
            next_change_in: Some(12),
        },
    ],
    infection: "MRSA(喀痰)保菌: 吸引時は手袋・エプロン(接触予防策)",
    on_sudden_change: "胃ろうが抜けたときは瘻孔が閉じないよう同じ太さ以下のカテーテルを挿入して主治医へ連絡。\n発熱時は尿路感染・誤嚥性肺炎を疑って主治医へ連絡。心肺停止時は蘇生処置を行わず主治医へ連絡。",
    wishes: WishSeed {
        resuscitation: "dnar",
        place_of_care: "home",
        place_of_death: "hospital",
        death_at_home_expected: false,
        transport: "wanted",
    },
    timeline: &[
        ("visit", "訪問看護: 胃ろう周囲の発赤なし。尿混濁あり、水分量を増やすよう家族へ説明。"),
        ("call", "夜間、妻より「カテーテルから尿が出ない」。膀胱洗浄で流出あり、様子観察。"),
    ],
};

const COPD: Profile = Profile {
    diagnoses: &["慢性閉塞性肺疾患(COPD)", "慢性呼吸不全"],
    meds: &[
        Med { name: "スピリーバ2.5μgレスピマット", dose: "2吸入", schedule: "1日1回", as_needed: false },
        Med { name: "テオフィリン徐放錠100mg", dose: "1錠", schedule: "朝夕食後", as_needed: false },
        Med { name: "メプチンエアー10μg", dose: "2吸入", schedule: "息苦しいとき", as_needed: true },
    ],
    prn: &[("息苦しさ", "メプチンエアー2吸入、酸素は労作時の量へ。改善しなければ主治医へ連絡")],
    devices: &[DeviceSeed {
        kind: "home_oxygen",
        detail: "安静時1L/分・労作時2L/分。CO2ナルコーシスに注意し3L/分を超えない",
        flow: Some(1.0),
        next_change_in: None,
    }],
    infection: "",
    on_sudden_change: "酸素は3L/分を超えて増やさない(CO2ナルコーシスの恐れ)。\n意識がぼんやりしているときは主治医へ連絡し、指示があれば救急搬送。",
    wishes: WishSeed {
        resuscitation: "full",
        place_of_care: "home",
        place_of_death: "hospital",
        death_at_home_expected: false,
        transport: "wanted",
    },
    timeline: &[
        ("visit", "訪問看護: SpO2 92%(1L/分)、喘鳴なし。吸入手技を再確認。"),
        ("visit", "訪問診療: 感冒症状なし。インフルエンザワクチン接種済み。"),
    ],
};

const ALS_VENTILATOR: Profile = Profile {
    diagnoses: &["筋萎縮性側索硬化症(ALS)"],
    meds: &[Med { name: "リルテック錠50mg", dose: "1錠", schedule: "朝夕(胃ろうから)", as_needed: false }],
    prn: &[("痰が増えた", "吸引。SpO2 93%未満なら加湿と体位ドレナージ、改善しなければ主治医へ連絡")],
    devices: &[
        DeviceSeed {
            kind: "ventilator",
            detail: "TPPV(気管切開下陽圧換気)。設定は機器の表示どおり、外部バッテリー約8時間",
            flow: Some(2.0),
            next_change_in: None,
        },
        DeviceSeed {
            kind: "tracheostomy",
            detail: "カフ付きカニューレ8.0mm",
            flow: None,
            next_change_in: Some(20),
        },
        DeviceSeed {
            kind: "peg",
            detail: "胃ろう(ボタン型)",
            flow: None,
            next_change_in: Some(90),
        },
    ],
    infection: "",
    on_sudden_change: "人工呼吸器のアラーム時はまず回路の外れ・閉塞を確認。解決しなければアンビューバッグで用手換気し、主治医と機器業者(24時間窓口)へ連絡。\n停電時は外部バッテリーへ切り替える。",
    wishes: WishSeed {
        resuscitation: "full",
        place_of_care: "home",
        place_of_death: "undecided",
        death_at_home_expected: false,
        transport: "wanted",
    },
    timeline: &[
        ("visit", "訪問看護: 呼吸器設定変更なし。痰はやや多め、吸引1時間ごと。"),
        ("note", "機器業者の24時間窓口の番号を家族が冷蔵庫に貼っていることを確認。"),
    ],
};

const DIABETES: Profile = Profile {
    diagnoses: &["2型糖尿病", "糖尿病性腎症"],
    meds: &[
        Med { name: "トレシーバ注フレックスタッチ", dose: "8単位", schedule: "朝", as_needed: false },
        Med { name: "メトホルミン塩酸塩錠250mg", dose: "1錠", schedule: "朝夕食後", as_needed: false },
        Med { name: "ブドウ糖", dose: "10g", schedule: "低血糖のとき", as_needed: true },
    ],
    prn: &[("血糖70mg/dL未満", "ブドウ糖10gを内服、15分後に再検")],
    devices: &[],
    infection: "",
    on_sudden_change: "低血糖で意識がはっきりしないときはブドウ糖を口の中へ。改善しなければ救急要請。\n血糖400mg/dL以上は主治医へ連絡。",
    wishes: WishSeed {
        resuscitation: "full",
        place_of_care: "home",
        place_of_death: "undecided",
        death_at_home_expected: false,
        transport: "wanted",
    },
    timeline: &[
        ("visit", "訪問看護: 朝の血糖 142mg/dL。インスリン自己注射を確認、手技良好。"),
        ("visit", "訪問診療: HbA1c 7.4%。フットケアを継続。"),
    ],
};

const PARKINSON_STOMA: Profile = Profile {
    diagnoses: &["パーキンソン病", "直腸がん術後(人工肛門)"],
    meds: &[
        Med { name: "ネオドパストン配合錠L100", dose: "1錠", schedule: "毎食後", as_needed: false },
        Med { name: "酸化マグネシウム錠330mg", dose: "1錠", schedule: "便が硬いとき", as_needed: true },
    ],
    prn: &[("転倒", "けがと痛みを確認。頭を打ったときは主治医へ連絡")],
    devices: &[DeviceSeed {
        kind: "stoma",
        detail: "S状結腸ストーマ。装具交換は週2回(火・金)",
        flow: None,
        next_change_in: None,
    }],
    infection: "",
    on_sudden_change: "薬が飲めず体が固くなったときは主治医へ連絡。\n転倒で頭を打ち、意識の変化や嘔吐があるときは救急要請。",
    wishes: WishSeed {
        resuscitation: "dnar",
        place_of_care: "home",
        place_of_death: "facility",
        death_at_home_expected: false,
        transport: "discuss",
    },
    timeline: &[
        ("visit", "訪問看護: ストーマ周囲の皮膚トラブルなし。すくみ足で転倒1回(外傷なし)。"),
        ("visit", "訪問診療: ウェアリングオフあり、服薬時間を調整。"),
    ],
};

const PROFILES: [&Profile; 8] = [
    &HEART_FAILURE,
    &DEMENTIA,
    &TERMINAL_CANCER,
    &STROKE_PEG,
    &COPD,
    &DIABETES,
    &PARKINSON_STOMA,
    &ALS_VENTILATOR,
];

/// Patient n's clinical picture: 1 heart failure with home oxygen, 2
/// dementia, 3 terminal cancer, 4 stroke with gastrostomy, 5 COPD, 6
/// diabetes, 7 Parkinson's with stoma, 8 ALS on a ventilator, then round
/// again.
fn profile_of(n: u32) -> &'static Profile {
    PROFILES[((n - 1) % 8) as usize]
}

const ENTRANCES: [&str; 4] = [
    "玄関のインターホンを押してから開ける。夜間は勝手口(建物の右側)から",
    "オートロック: 部屋番号を押して呼び出し。応答がなければ管理人室の夜間インターホン",
    "玄関の引き戸は重いので少し持ち上げて開ける。上がり框に段差あり",
    "1階奥の部屋。廊下の電気は入口左のスイッチ",
];
const KEY_BOXES: [&str; 4] = [
    "玄関横の灰色のキーボックス。番号はステーションの鍵台帳を参照",
    "鍵は家族が管理。夜間は長女宅(徒歩3分)に電話して開けてもらう",
    "郵便受けの内側のキーボックス。番号は鍵台帳を参照",
    "",
];
const PARKING: [&str; 4] = [
    "家の前の空き地に1台駐車可",
    "近くのコインパーキング(徒歩2分)",
    "敷地内、軽トラックの隣",
    "路上駐車不可。公民館の駐車場を利用(夜間可、自治会了承済み)",
];
const PETS: [&str; 4] = [
    "",
    "室内犬(トイプードル)1匹。吠えるが噛まない",
    "",
    "猫2匹。玄関を開けたら外に出ないよう注意",
];

/// Care-planning offices (居宅介護支援事業所) and their care managers.
const CARE_MANAGERS: [(&str, &str, &str); 5] = [
    ("小池 由美", "居宅介護支援事業所みどりの風", "055-262-4410"),
    ("樋口 聡", "ケアプランセンターさくら", "055-264-7720"),
    (
        "雨宮 典子",
        "みどり野市社協居宅介護支援事業所",
        "055-266-3130",
    ),
    ("志村 健", "あおば介護相談センター", "055-268-5540"),
    ("保坂 玲子", "ケアプランひまわり", "055-269-2250"),
];

/// Who took part in the decision, by patient number.
fn decided_by(n: u32) -> String {
    let patient = &PATIENTS[(n - 1) as usize];
    let family = patient
        .family
        .iter()
        .find(|f| f.key_person)
        .or(patient.family.first())
        .map(|f| format!("・{}({})", f.relation, f.name))
        .unwrap_or_default();
    format!("本人{family}・主治医 {}", patient.physician.family_name)
}

/// The first nurse of the patient's station: the one who writes the way
/// in, the care manager and the visit notes in the demo.
fn station_nurse(patient: &Patient) -> &'static Staff {
    STAFF
        .iter()
        .find(|s| s.role == Role::Nurse && s.org.n == patient.station.n)
        .unwrap_or(patient.physician)
}

/// Everything the night card shows beyond identity, address and family,
/// for every demo patient, dated relative to the day of the seed so that
/// orders are valid, expiring or expired whenever the demo runs. Called by
/// [`seed_demo`] inside its transaction.
async fn seed_night_card(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    patient_ids: &[Uuid],
) -> Result<(), sqlx::Error> {
    use chrono::{Duration, Utc};

    let now = Utc::now();
    let today = app::domain::time::tokyo_date(now);
    let days_ago = |d: i64| now - Duration::days(d);
    let date_ago = |d: i64| today - Duration::days(d);

    let mut way_in = vec![];
    let mut managers = vec![];
    let mut wishes = vec![];
    let mut orders = vec![];
    let mut prn = vec![];
    let mut clinical = vec![];
    let mut diagnoses = vec![];
    let mut meds = vec![];
    let mut allergies = vec![];
    let mut devices = vec![];
    let mut timeline = vec![];

    for (patient, n) in PATIENTS.iter().zip(1u32..) {
        let id = patient_ids[(n - 1) as usize];
        let profile = profile_of(n);
        let doctor = patient.physician.id();
        let nurse = station_nurse(patient).id();
        let i = n as usize;
        let row = |table, k: u32| demo_id(table, (u128::from(n) << 8) | u128::from(k));
        // Lists are "last updated" a few days ago; patient 6's long ago.
        let list_age = if n == DEMO_STALE_PATIENT {
            120
        } else {
            i64::from(n % 20)
        };

        let pets = if n == 4 {
            "柴犬(庭につないでいる)。吠えるが噛まない。夜間は家族が犬小屋へ入れる"
        } else {
            PETS[i % 4]
        };
        let way_in_age = if n == DEMO_STALE_PATIENT {
            500
        } else {
            30 + i64::from(n)
        };
        way_in.push((
            id,
            patient.landmark,
            ENTRANCES[i % 4],
            KEY_BOXES[i % 4],
            PARKING[i % 4],
            pets,
            nurse,
            days_ago(way_in_age),
        ));

        if n % 9 != 0 {
            let (name, office, phone) = CARE_MANAGERS[i % CARE_MANAGERS.len()];
            managers.push((id, name, office, phone, nurse));
        }

        if !DEMO_NO_WISHES_PATIENTS.contains(&n) {
            let w = &profile.wishes;
            let decided = if n == DEMO_STALE_PATIENT {
                400
            } else {
                20 + i64::from(n)
            };
            wishes.push((
                id,
                w.resuscitation,
                w.place_of_care,
                w.place_of_death,
                w.death_at_home_expected,
                w.transport,
                decided_by(n),
                date_ago(decided),
                n % 2 == 1,
                if n % 2 == 1 {
                    "本人署名の事前指示書。写しを居間の連絡ノートに挟んである"
                } else {
                    ""
                },
                doctor,
                days_ago(decided),
            ));
        }

        // Orders last at most six months; the demo ones 150–170 days.
        let (from, to) = match n {
            DEMO_EXPIRED_ORDER_PATIENT => (date_ago(190), date_ago(20)),
            n if DEMO_RENEWAL_PATIENTS.contains(&n) => (date_ago(190), date_ago(20)),
            DEMO_EXPIRING_ORDER_PATIENT => (date_ago(150), today + Duration::days(7)),
            _ => {
                let from = date_ago(30 + i64::from(n % 60));
                (from, from + Duration::days(150))
            }
        };
        orders.push((
            row(TABLE_NURSING_ORDERS, 1),
            id,
            doctor,
            from,
            from,
            to,
            profile.on_sudden_change,
            days_ago((today - from).num_days()),
        ));

        for ((condition, action), k) in profile.prn.iter().zip(1u32..) {
            prn.push((
                row(TABLE_PRN_ORDERS, k),
                id,
                *condition,
                *action,
                k as i16,
                doctor,
                days_ago((today - from).num_days()),
            ));
        }

        let no_known_allergies = n % 3 == 0;
        clinical.push((
            id,
            no_known_allergies,
            profile.infection,
            nurse,
            days_ago(list_age),
        ));
        for (name, k) in profile.diagnoses.iter().zip(1u32..) {
            // The main diagnosis first, the others noted later.
            diagnoses.push((
                row(TABLE_DIAGNOSES, k),
                id,
                *name,
                date_ago(700 - i64::from(k) * 60),
                k == 1,
                doctor,
                days_ago(list_age),
            ));
        }
        for (m, k) in profile.meds.iter().zip(1u32..) {
            meds.push((
                row(TABLE_MEDICATIONS, k),
                id,
                m.name,
                m.dose,
                m.schedule,
                m.as_needed,
                k as i16,
                doctor,
                days_ago(list_age),
            ));
        }
        let patient_allergies: &[(&str, &str)] = match n {
            1 => &[("ロキソプロフェン(ロキソニン)", "喘息発作")],
            _ if n % 5 == 0 => &[("ペニシリン系抗菌薬", "全身の発疹")],
            _ if n % 7 == 0 => &[("ヨード造影剤", "呼吸困難"), ("卵", "じんましん")],
            _ => &[],
        };
        for ((substance, reaction), k) in patient_allergies.iter().zip(1u32..) {
            allergies.push((row(TABLE_ALLERGIES, k), id, *substance, *reaction, nurse));
        }
        for (d, k) in profile.devices.iter().zip(1u32..) {
            devices.push((
                row(TABLE_DEVICES, k),
                id,
                d.kind,
                d.detail,
                d.flow,
                date_ago(200),
                d.next_change_in.map(|days| today + Duration::days(days)),
                nurse,
                days_ago(list_age),
            ));
        }
        for ((kind, body), k) in profile.timeline.iter().zip(1u32..) {
            // Newest first: 2, 9, 16… days ago (Tokyo), visits in the
            // afternoon, calls and house calls in the small hours.
            let hour = match *kind {
                "call" => 2,
                "house_call" => 3,
                "note" => 18,
                _ => 14,
            };
            let day = date_ago(2 + 7 * i64::from(k - 1));
            let at = day.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::hours(hour - 9);
            let author = if matches!(*kind, "visit" | "note" | "call") && k % 2 == 1 {
                nurse
            } else {
                doctor
            };
            timeline.push((row(TABLE_TIMELINE, k), id, *kind, at, author, *body));
        }
    }

    sqlx::query(
        "insert into home_access (patient_id, landmark, entrance, key_box, parking, pets,
                                  updated_by, created_at, updated_at)
         select u.*, u.at from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                                       $6::text[], $7::uuid[], $8::timestamptz[])
                      as u(patient_id, landmark, entrance, key_box, parking, pets, updated_by, at)",
    )
    .bind(column(&way_in, |r| r.0))
    .bind(column(&way_in, |r| r.1))
    .bind(column(&way_in, |r| r.2))
    .bind(column(&way_in, |r| r.3))
    .bind(column(&way_in, |r| r.4))
    .bind(column(&way_in, |r| r.5))
    .bind(column(&way_in, |r| r.6))
    .bind(column(&way_in, |r| r.7))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into care_managers (patient_id, name, office, phone, updated_by, created_at,
                                    updated_at)
         select u.*, now() - interval '200 days', now() - interval '200 days'
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[])
                as u(patient_id, name, office, phone, updated_by)",
    )
    .bind(column(&managers, |r| r.0))
    .bind(column(&managers, |r| r.1))
    .bind(column(&managers, |r| r.2))
    .bind(column(&managers, |r| r.3))
    .bind(column(&managers, |r| r.4))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into acp_wishes (patient_id, resuscitation, place_of_care, place_of_death,
                                 death_at_home_expected, transport, decided_by, decided_on,
                                 document_on_file, document_note, updated_by, created_at, updated_at)
         select u.*, u.at from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[],
                                       $6::text[], $7::text[], $8::date[], $9::bool[], $10::text[],
                                       $11::uuid[], $12::timestamptz[])
                      as u(patient_id, r, c, d, e, t, b, o, f, n, by, at)",
    )
    .bind(column(&wishes, |r| r.0))
    .bind(column(&wishes, |r| r.1))
    .bind(column(&wishes, |r| r.2))
    .bind(column(&wishes, |r| r.3))
    .bind(column(&wishes, |r| r.4))
    .bind(column(&wishes, |r| r.5))
    .bind(column(&wishes, |r| r.6.clone()))
    .bind(column(&wishes, |r| r.7))
    .bind(column(&wishes, |r| r.8))
    .bind(column(&wishes, |r| r.9))
    .bind(column(&wishes, |r| r.10))
    .bind(column(&wishes, |r| r.11))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into nursing_orders (id, patient_id, issued_by, issued_on, valid_from, valid_to,
                                     on_sudden_change, updated_by, created_at, updated_at)
         select u.id, u.patient_id, u.doctor, u.issued_on, u.valid_from, u.valid_to, u.text,
                u.doctor, u.at, u.at
           from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::date[], $5::date[], $6::date[],
                       $7::text[], $8::timestamptz[])
                as u(id, patient_id, doctor, issued_on, valid_from, valid_to, text, at)",
    )
    .bind(column(&orders, |r| r.0))
    .bind(column(&orders, |r| r.1))
    .bind(column(&orders, |r| r.2))
    .bind(column(&orders, |r| r.3))
    .bind(column(&orders, |r| r.4))
    .bind(column(&orders, |r| r.5))
    .bind(column(&orders, |r| r.6))
    .bind(column(&orders, |r| r.7))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into prn_orders (id, patient_id, condition, action, position, ordered_by,
                                 updated_by, created_at, updated_at)
         select u.id, u.patient_id, u.condition, u.action, u.position, u.doctor, u.doctor, u.at, u.at
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int2[], $6::uuid[],
                       $7::timestamptz[])
                as u(id, patient_id, condition, action, position, doctor, at)",
    )
    .bind(column(&prn, |r| r.0))
    .bind(column(&prn, |r| r.1))
    .bind(column(&prn, |r| r.2))
    .bind(column(&prn, |r| r.3))
    .bind(column(&prn, |r| r.4))
    .bind(column(&prn, |r| r.5))
    .bind(column(&prn, |r| r.6))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into patient_clinical (patient_id, no_known_allergies, infection_precautions,
                                       updated_by, created_at, updated_at)
         select u.*, u.at from unnest($1::uuid[], $2::bool[], $3::text[], $4::uuid[],
                                       $5::timestamptz[]) as u(patient_id, nka, infection, by, at)",
    )
    .bind(column(&clinical, |r| r.0))
    .bind(column(&clinical, |r| r.1))
    .bind(column(&clinical, |r| r.2))
    .bind(column(&clinical, |r| r.3))
    .bind(column(&clinical, |r| r.4))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into diagnoses (id, patient_id, name, noted_on, is_primary, updated_by,
                                created_at, updated_at)
         select u.*, u.at from unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::bool[],
                                       $6::uuid[], $7::timestamptz[])
                      as u(id, patient_id, name, noted_on, is_primary, by, at)",
    )
    .bind(column(&diagnoses, |r| r.0))
    .bind(column(&diagnoses, |r| r.1))
    .bind(column(&diagnoses, |r| r.2))
    .bind(column(&diagnoses, |r| r.3))
    .bind(column(&diagnoses, |r| r.4))
    .bind(column(&diagnoses, |r| r.5))
    .bind(column(&diagnoses, |r| r.6))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into medications (id, patient_id, name, dose, schedule, as_needed, position,
                                  updated_by, created_at, updated_at)
         select u.*, u.at from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                                       $6::bool[], $7::int2[], $8::uuid[], $9::timestamptz[])
                      as u(id, patient_id, name, dose, schedule, as_needed, position, by, at)",
    )
    .bind(column(&meds, |r| r.0))
    .bind(column(&meds, |r| r.1))
    .bind(column(&meds, |r| r.2))
    .bind(column(&meds, |r| r.3))
    .bind(column(&meds, |r| r.4))
    .bind(column(&meds, |r| r.5))
    .bind(column(&meds, |r| r.6))
    .bind(column(&meds, |r| r.7))
    .bind(column(&meds, |r| r.8))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into allergies (id, patient_id, substance, reaction, updated_by, created_at,
                                updated_at)
         select u.*, now() - interval '60 days', now() - interval '60 days'
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[])
                as u(id, patient_id, substance, reaction, updated_by)",
    )
    .bind(column(&allergies, |r| r.0))
    .bind(column(&allergies, |r| r.1))
    .bind(column(&allergies, |r| r.2))
    .bind(column(&allergies, |r| r.3))
    .bind(column(&allergies, |r| r.4))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into devices (id, patient_id, kind, detail, oxygen_flow_l_min, since,
                              next_change_on, updated_by, created_at, updated_at)
         select u.id, u.patient_id, u.kind, u.detail, u.flow::numeric(4, 2), u.since, u.next_change,
                u.by, u.at, u.at
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::float8[], $6::date[],
                       $7::date[], $8::uuid[], $9::timestamptz[])
                as u(id, patient_id, kind, detail, flow, since, next_change, by, at)",
    )
    .bind(column(&devices, |r| r.0))
    .bind(column(&devices, |r| r.1))
    .bind(column(&devices, |r| r.2))
    .bind(column(&devices, |r| r.3))
    .bind(column(&devices, |r| r.4))
    .bind(column(&devices, |r| r.5))
    .bind(column(&devices, |r| r.6))
    .bind(column(&devices, |r| r.7))
    .bind(column(&devices, |r| r.8))
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into timeline_entries (id, patient_id, kind, occurred_at, author_id, body, created_at)
         select u.*, u.occurred_at
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::text[])
                as u(id, patient_id, kind, occurred_at, author_id, body)",
    )
    .bind(column(&timeline, |r| r.0))
    .bind(column(&timeline, |r| r.1))
    .bind(column(&timeline, |r| r.2))
    .bind(column(&timeline, |r| r.3))
    .bind(column(&timeline, |r| r.4))
    .bind(column(&timeline, |r| r.5))
    .execute(&mut **tx)
    .await?;

    let first = &PATIENTS[0];
    sqlx::query(
        "insert into patient_photos (patient_id, content_type, data, taken_on, updated_by)
         values ($1, 'image/png', decode($2, 'base64'), $3, $4)",
    )
    .bind(demo_patient_id(1))
    .bind(DEMO_PHOTO_PNG_BASE64)
    .bind(date_ago(90))
    .bind(station_nurse(first).id())
    .execute(&mut **tx)
    .await?;

    sqlx::query(
        "insert into care_team_members (id, patient_id, role, organization_id, valid_from)
         values (gen_random_uuid(), $1, 'nurse_station', $2, date '2024-04-01')",
    )
    .bind(demo_patient_id(DEMO_SECOND_STATION_PATIENT))
    .bind(STATION_MIDORI.id())
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

    #[test]
    fn the_demo_covers_every_part_of_the_night_card() {
        let profiles: Vec<&Profile> = (1..=DEMO_PATIENT_COUNT).map(profile_of).collect();
        assert!(profiles.iter().any(|p| p.wishes.resuscitation == "dnar"));
        assert!(profiles.iter().any(|p| p.wishes.death_at_home_expected));
        assert!(profiles.iter().any(|p| p.wishes.transport == "not_wanted"));
        let kinds: HashSet<&str> = profiles
            .iter()
            .flat_map(|p| p.devices.iter().map(|d| d.kind))
            .collect();
        for kind in [
            "home_oxygen",
            "urinary_catheter",
            "peg",
            "central_line",
            "ventilator",
            "tracheostomy",
            "stoma",
            "pump",
        ] {
            assert!(kinds.contains(kind), "{kind}");
        }
        for p in PROFILES {
            assert!(!p.diagnoses.is_empty() && !p.meds.is_empty() && !p.timeline.is_empty());
            assert!(!p.on_sudden_change.is_empty() && !p.prn.is_empty());
            for d in p.devices {
                // The same rules as the table's checks.
                assert!(d.kind != "home_oxygen" || d.flow.is_some());
                assert!(d.flow.is_none() || matches!(d.kind, "home_oxygen" | "ventilator"));
            }
        }
        assert_eq!(profile_of(DEMO_DNAR_PATIENT).wishes.resuscitation, "dnar");
        assert!(profile_of(DEMO_DNAR_PATIENT)
            .devices
            .iter()
            .any(|d| d.flow.is_some()));
        assert!(
            profile_of(DEMO_SECOND_STATION_PATIENT)
                .wishes
                .death_at_home_expected
        );
        assert_eq!(decided_by(1), "本人・長女(高野 恵子)・主治医 桜井");
    }
}
