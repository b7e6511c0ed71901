//! What the night card shows, as it crosses from server to browser.
//!
//! The card is read in one database round trip (`ssr::db::card::night_card`) and
//! rendered on the server; the sections beyond identity, address and calls
//! are typed in [`super::card`].

use super::card::{
    CareManager, Clinical, NursingOrder, Photo, PrnOrder, Stamp, TimelineEntry, WayIn, Wishes,
};
use super::patient::{EraYear, PatientId, Sex};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NightCard {
    pub patient_id: PatientId,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    /// Age in full years in Tokyo on the day the card was read.
    pub age: u32,
    pub birth_era: Option<EraYear>,
    pub sex: Sex,
    pub photo: Option<Photo>,
    /// The version of the patient record (identity and address).
    pub version: i32,
    /// Who last changed identity or address (None: since registration).
    pub updated_by: Option<String>,
    pub address: Address,
    pub way_in: WayIn,
    pub attending: Option<CareContact>,
    /// Secondary physicians (副主治医) on the care team today.
    pub secondary: Vec<CareContact>,
    pub nurse_station: Option<CareContact>,
    pub care_manager: Option<CareManager>,
    pub family: Vec<FamilyContact>,
    /// When the family contacts last changed.
    pub family_updated_at: Option<DateTime<Utc>>,
    pub wishes: Option<Wishes>,
    /// The nursing order in force today, or else the latest one (which
    /// the card then flags as expired or not yet valid).
    pub nursing_order: Option<NursingOrder>,
    pub prn_orders: Vec<PrnOrder>,
    pub clinical: Clinical,
    /// The latest entries, newest first.
    pub timeline: Vec<TimelineEntry>,
    /// Whether the reader may edit the card (a care-team seat with the
    /// care duty); the server checks again on every save.
    pub can_edit: bool,
    pub updated_at: DateTime<Utc>,
    /// When the server read the card; the page shows it so a screen left
    /// open for hours says how old it is.
    pub read_at: DateTime<Utc>,
    /// Set when the reader opened the card by break-glass: until when.
    pub break_glass_until: Option<DateTime<Utc>>,
    // --- issue 8: card ---
    /// The first-screen call: whoever a call opened now would ring first
    /// (absences, the rota, time-of-day rules), and why.
    #[serde(default)]
    pub first_call: Option<super::card::FirstCall>,
    /// Whether the reader may change the physician's orders (a physician
    /// with an attending or secondary seat).
    #[serde(default)]
    pub can_edit_orders: bool,
    /// Whether the reader may correct the patient's identity.
    #[serde(default)]
    pub can_edit_identity: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub postal_code: String,
    pub prefecture: String,
    pub city: String,
    pub street: String,
    pub building: String,
    pub room: String,
    pub landmark: String,
    pub coordinates: Option<Coordinates>,
}

impl Address {
    /// One line, as written on a Japanese envelope (without the postal code).
    pub fn one_line(&self) -> String {
        let mut line = format!("{}{}{}", self.prefecture, self.city, self.street);
        if !self.building.is_empty() {
            line.push(' ');
            line.push_str(&self.building);
        }
        if !self.room.is_empty() {
            line.push(' ');
            line.push_str(&self.room);
        }
        line
    }

    /// A link that opens the phone's maps app with a route to the house.
    /// Google's cross-platform "maps URLs" open the installed app on Android
    /// and iOS and the web map elsewhere. Without coordinates the written
    /// address is the destination.
    pub fn route_url(&self) -> String {
        let destination = match self.coordinates {
            Some(c) => format!("{:.6},{:.6}", c.latitude, c.longitude),
            None => percent_encode(&format!("{}{}", self.postal_code, self.one_line())),
        };
        format!(
            "https://www.google.com/maps/dir/?api=1&destination={destination}&travelmode=driving"
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareContact {
    pub name: String,
    pub organization: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyContact {
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub is_key_person: bool,
}

impl NightCard {
    /// When the contacts section last changed: the family list or the care
    /// manager, whichever is later.
    pub fn contacts_updated_at(&self) -> Option<DateTime<Utc>> {
        let manager = self.care_manager.as_ref().map(|m| m.updated.at);
        self.family_updated_at.max(manager)
    }

    /// When the as-needed orders last changed.
    pub fn prn_updated(&self) -> Option<&Stamp> {
        super::card::latest_stamp(self.prn_orders.iter().map(|p| &p.updated))
    }
}

/// A `tel:` link for a Japanese number as staff write it (`090-1234-5678`).
/// Only digits and a leading `+` are kept, so the dialler gets a clean number.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .enumerate()
        .filter(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '+'))
        .map(|(_, c)| c)
        .collect();
    format!("tel:{digits}")
}

/// Percent-encodes everything but unreserved URL characters (RFC 3986).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(coordinates: Option<Coordinates>) -> Address {
        Address {
            postal_code: "400-0032".into(),
            prefecture: "山梨県".into(),
            city: "みどり野市".into(),
            street: "桜町2丁目14-3".into(),
            building: "コーポ桜".into(),
            room: "203".into(),
            landmark: String::new(),
            coordinates,
        }
    }

    #[test]
    fn tel_links_keep_only_what_a_dialler_needs() {
        let cases = [
            ("090-1234-5678", "tel:09012345678"),
            ("055 (222) 1111", "tel:0552221111"),
            ("+81-90-1234-5678", "tel:+819012345678"),
            ("０９０", "tel:"),
        ];
        for (input, expected) in cases {
            assert_eq!(tel_href(input), expected, "{input}");
        }
    }

    #[test]
    fn the_route_goes_to_the_coordinates_when_known() {
        let with = address(Some(Coordinates {
            latitude: 35.662_1,
            longitude: 138.568_4,
        }));
        assert_eq!(
            with.route_url(),
            "https://www.google.com/maps/dir/?api=1&destination=35.662100,138.568400&travelmode=driving"
        );
        let without = address(None);
        assert!(without
            .route_url()
            .contains("destination=400-0032%E5%B1%B1"));
        assert_eq!(
            without.one_line(),
            "山梨県みどり野市桜町2丁目14-3 コーポ桜 203"
        );
    }
}
