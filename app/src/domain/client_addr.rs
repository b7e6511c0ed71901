//! Which address a request came from, behind reverse proxies the operator
//! trusts.
//!
//! `X-Forwarded-For` is a list each proxy appends to: the client may write
//! anything at its left end, and only the entries appended by proxies we
//! trust are facts. So the client address is found from the right: start at
//! the peer of the TCP connection; while that hop is a trusted proxy, step
//! to the entry it appended. The first hop that is not trusted is the
//! client. A forged left-most entry is never reached unless every hop after
//! it is a trusted proxy.
//!
//! Configuration: `NIGHTCALL_TRUSTED_PROXIES`, addresses and CIDR blocks
//! separated by commas (`10.0.0.0/8, 2001:db8::/32, 127.0.0.1`). The older
//! `NIGHTCALL_TRUST_PROXY=1` means "trust loopback proxies" (a proxy on
//! the same machine) and is added to that list.
//!
//! Pure: the caller passes the peer address and the header values.

use std::net::IpAddr;

/// An address block: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a trusted-proxy entry was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadProxyEntry(pub String);

impl Cidr {
    /// `203.0.113.7`, `10.0.0.0/8`, `::1`, `2001:db8::/32`. A prefix longer
    /// than the address is refused; bits past the prefix are ignored.
    pub fn parse(text: &str) -> Result<Self, BadProxyEntry> {
        let bad = || BadProxyEntry(text.to_owned());
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address.trim().parse().map_err(|_| bad())?;
        let network = network.to_canonical();
        let max = match network {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let prefix = match prefix {
            None => max,
            Some(p) => {
                let p = p.trim();
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 3 {
                    return Err(bad());
                }
                let p: u8 = p.parse().map_err(|_| bad())?;
                if p > max {
                    return Err(bad());
                }
                p
            }
        };
        Ok(Cidr { network, prefix })
    }

    /// Whether `ip` lies in this block (IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_matches(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    blocks: Vec<Cidr>,
}

impl TrustedProxies {
    /// Nobody: `X-Forwarded-For` is ignored, the peer is the client.
    pub fn none() -> Self {
        TrustedProxies::default()
    }

    /// A proxy on this machine (127.0.0.0/8 and ::1).
    pub fn loopback() -> Self {
        TrustedProxies {
            blocks: vec![
                Cidr {
                    network: IpAddr::from([127, 0, 0, 0]),
                    prefix: 8,
                },
                Cidr {
                    network: IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                    prefix: 128,
                },
            ],
        }
    }

    /// A comma-separated list; empty entries are skipped. Entries that do
    /// not parse are returned beside the list (the caller logs them), so a
    /// typo trusts less, never more.
    pub fn parse(list: &str) -> (Self, Vec<BadProxyEntry>) {
        let mut blocks = Vec::new();
        let mut bad = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match Cidr::parse(entry) {
                Ok(block) => blocks.push(block),
                Err(e) => bad.push(e),
            }
        }
        (TrustedProxies { blocks }, bad)
    }

    /// From the two environment variables' values: `NIGHTCALL_TRUSTED_PROXIES`
    /// and the older `NIGHTCALL_TRUST_PROXY` (`1`/`true`: loopback proxies).
    pub fn from_settings(
        trusted: Option<&str>,
        trust_proxy: Option<&str>,
    ) -> (Self, Vec<BadProxyEntry>) {
        let (mut list, bad) = TrustedProxies::parse(trusted.unwrap_or(""));
        if matches!(trust_proxy.map(str::trim), Some("1" | "true")) {
            list.blocks.extend(TrustedProxies::loopback().blocks);
        }
        (list, bad)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.blocks.iter().any(|b| b.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// One `X-Forwarded-For` entry as an address: `203.0.113.7`, `::1`, and the
/// forms with a port some proxies write (`203.0.113.7:5123`,
/// `[2001:db8::1]:443`).
pub fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return inside.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (host, port) = entry.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the hop that handed us this request is a trusted proxy, so its
/// forwarding headers (`X-Forwarded-For`, `X-Forwarded-Proto`) are believed.
pub fn peer_is_trusted(peer: IpAddr, trusted: &TrustedProxies) -> bool {
    trusted.contains(peer)
}

/// The client's address: from the peer, walk `X-Forwarded-For` right to left
/// while the current hop is a trusted proxy. `forwarded_for` holds the
/// header's values in the order received (several headers are one list).
/// An entry that is not an address stops the walk at the hop that wrote it.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let mut current = peer.to_canonical();
    let entries = forwarded_for
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect::<Vec<_>>();
    for entry in entries.iter().rev() {
        if !trusted.contains(current) {
            break;
        }
        match parse_forwarded_entry(entry) {
            Some(ip) => current = ip,
            None => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn address_blocks_parse_and_match() {
        // (block, address, expected: Some(contains) or None when the block is refused)
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("10.0.0.0/8", "10.255.1.2", Some(true)),
            ("10.0.0.0/8", "11.0.0.1", Some(false)),
            ("192.168.1.0/23", "192.168.0.200", Some(true)),
            ("192.168.1.0/23", "192.168.2.1", Some(false)),
            ("203.0.113.7", "203.0.113.7", Some(true)),
            ("203.0.113.7", "203.0.113.8", Some(false)),
            ("0.0.0.0/0", "8.8.8.8", Some(true)),
            ("0.0.0.0/0", "::1", Some(false)),
            ("2001:db8::/32", "2001:db8:ffff::1", Some(true)),
            ("2001:db8::/32", "2001:db9::1", Some(false)),
            ("::1", "::1", Some(true)),
            // An IPv4-mapped IPv6 peer is the IPv4 address.
            ("127.0.0.1", "::ffff:127.0.0.1", Some(true)),
            (" 10.1.2.3 / 32 ", "10.1.2.3", Some(true)),
            ("10.0.0.0/33", "10.0.0.1", None),
            ("::/129", "::1", None),
            ("10.0.0.0/", "10.0.0.1", None),
            ("10.0.0.0/+8", "10.0.0.1", None),
            ("10.0.0.0/-1", "10.0.0.1", None),
            ("proxy.local", "10.0.0.1", None),
            ("", "10.0.0.1", None),
        ];
        for (block, address, expected) in cases {
            let got = Cidr::parse(block).ok().map(|c| c.contains(ip(address)));
            assert_eq!(got, *expected, "{block:?} ∋ {address}");
        }
    }

    #[test]
    fn proxy_lists_skip_bad_entries_and_the_old_switch_means_loopback() {
        let (list, bad) = TrustedProxies::parse("10.0.0.0/8, ,nonsense, ::1");
        assert!(list.contains(ip("10.9.9.9")));
        assert!(list.contains(ip("::1")));
        assert!(!list.contains(ip("127.0.0.1")));
        assert_eq!(bad, vec![BadProxyEntry("nonsense".into())]);

        // (NIGHTCALL_TRUSTED_PROXIES, NIGHTCALL_TRUST_PROXY, address, trusted?)
        let cases: &[(Option<&str>, Option<&str>, &str, bool)] = &[
            (None, None, "127.0.0.1", false),
            (None, Some("1"), "127.0.0.1", true),
            (None, Some("true"), "::1", true),
            (None, Some("1"), "10.0.0.1", false),
            (None, Some("0"), "127.0.0.1", false),
            (Some("10.0.0.0/8"), None, "10.0.0.1", true),
            (Some("10.0.0.0/8"), None, "127.0.0.1", false),
            (Some("10.0.0.0/8"), Some("1"), "127.0.0.1", true),
            (Some(""), None, "127.0.0.1", false),
        ];
        for (trusted, old, address, expected) in cases {
            let (list, _) = TrustedProxies::from_settings(*trusted, *old);
            assert_eq!(
                list.contains(ip(address)),
                *expected,
                "{trusted:?} {old:?} {address}"
            );
        }
        assert!(TrustedProxies::none().is_empty());
    }

    #[test]
    fn the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").0;
        // (peer, X-Forwarded-For values, expected client)
        let cases: &[(&str, &[&str], &str)] = &[
            // No proxy configured in front: the header is the client's word.
            ("198.51.100.1", &["6.6.6.6"], "198.51.100.1"),
            // Through our proxy: the entry it appended.
            ("127.0.0.1", &["203.0.113.5"], "203.0.113.5"),
            // A forged left-most entry stays unread.
            ("127.0.0.1", &["6.6.6.6, 203.0.113.5"], "203.0.113.5"),
            ("127.0.0.1", &["6.6.6.6", "203.0.113.5"], "203.0.113.5"),
            // Two trusted proxies in a row.
            (
                "127.0.0.1",
                &["6.6.6.6, 203.0.113.5, 10.1.1.1"],
                "203.0.113.5",
            ),
            // Every hop trusted: the left-most one (a request from inside).
            ("127.0.0.1", &["10.2.2.2, 10.1.1.1"], "10.2.2.2"),
            // The proxy sent no header: it is the client.
            ("127.0.0.1", &[], "127.0.0.1"),
            ("127.0.0.1", &[""], "127.0.0.1"),
            // Garbage appended by the trusted proxy stops the walk there.
            ("127.0.0.1", &["203.0.113.5, unknown"], "127.0.0.1"),
            // Garbage beyond the first untrusted hop is never looked at.
            ("127.0.0.1", &["<script>, 203.0.113.5"], "203.0.113.5"),
            // Ports and brackets some proxies write.
            ("127.0.0.1", &["203.0.113.5:4711"], "203.0.113.5"),
            ("127.0.0.1", &["[2001:db8::7]:443"], "2001:db8::7"),
            ("127.0.0.1", &["2001:db8::7"], "2001:db8::7"),
            ("127.0.0.1", &["[2001:db8::7]junk"], "127.0.0.1"),
            // A mapped IPv6 peer is its IPv4 address.
            ("::ffff:127.0.0.1", &["203.0.113.5"], "203.0.113.5"),
            ("127.0.0.1", &["::ffff:203.0.113.5"], "203.0.113.5"),
        ];
        for (peer, header, expected) in cases {
            assert_eq!(
                client_address(ip(peer), header, &proxies),
                ip(expected),
                "peer {peer}, X-Forwarded-For {header:?}"
            );
        }
        // Trusting nobody, the header never counts.
        assert_eq!(
            client_address(ip("127.0.0.1"), &["203.0.113.5"], &TrustedProxies::none()),
            ip("127.0.0.1")
        );
        assert!(peer_is_trusted(ip("10.0.0.9"), &proxies));
        assert!(!peer_is_trusted(ip("203.0.113.5"), &proxies));
    }
}
