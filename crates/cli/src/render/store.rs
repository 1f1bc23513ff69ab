//! The audit trail and its verification.

use aar_api::dto::*;

use super::*;

pub fn audit(entries: &[AuditEntryView]) -> String {
    let mut t = table();
    t.set_header(["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"]);
    for e in entries {
        t.add_row([
            e.seq.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.subject.get(..12).unwrap_or(&e.subject).to_owned(),
            e.detail.clone(),
        ]);
    }
    format!("{t}\n")
}

pub fn audit_verification(v: &aar_api::AuditVerification) -> String {
    let head = v.head.as_deref().unwrap_or("(empty log)");
    match &v.broken {
        None => format!("audit log intact: {} entries chained\nhead {head}\n", v.entries),
        Some(link) => format!("audit log BROKEN at entry {}: {}\n", link.seq, link.problem),
    }
}
