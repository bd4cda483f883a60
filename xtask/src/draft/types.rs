//! From the page's types and names to spec types: `int?` → `integer` (nullable),
//! `TariffId` + a `Tariff` filter → `id<Tariff>`, `int[]` → `ids<Entity>`, `enum` → the
//! enumeration the page names, and roles in `Entity-Action` spelling.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::markup::ExampleValue;

/// The 147 entity names of the 2020 reference (commit 4e1e5a2e), as the API spells them.
/// A page names only the entities it relates to; this list lets a field name such as
/// `ElegibleResourceTypes` resolve to `ResourceType` when the page itself does not say.
#[rustfmt::skip]
pub(super) const KNOWN_ENTITIES: &[&str] = &[
    "AccessToken", "Application", "AudioFile", "AuditTrailEntry", "BlogCategory", "BlogPost",
    "BlogPostComment", "Booking", "BookingNote", "BookingProduct", "BookingVisitor", "Business",
    "BusinessCharge", "BusinessDomain", "BusinessRedirection", "BusinessSetting",
    "BusinessTimeSlot", "CalendarEvent", "CalendarEventCategory", "CannedResponse", "Charge",
    "ChatRoom", "ChatUserMessage", "Checkin", "CommunityGroup", "CommunityMessage",
    "CommunityMessageLike", "CommunityThread", "CommunityThreadFile", "CommunityThreadFollow",
    "CommunityThreadLike", "CommunityThreadMute", "ContractDeposit", "Country", "Coworker",
    "CoworkerBookingCredit", "CoworkerBookingCreditUseHistory", "CoworkerContract",
    "CoworkerDataFile", "CoworkerDelivery", "CoworkerDiscountCode", "CoworkerExtraService",
    "CoworkerExtraServiceUseHistory", "CoworkerInvoice", "CoworkerInvoiceHistory",
    "CoworkerInvoiceLine", "CoworkerLedgerEntry", "CoworkerMessage", "CoworkerMsOfficeCalendar",
    "CoworkerNote", "CoworkerPricePlanHistory", "CoworkerProduct", "CoworkerTask",
    "CoworkerTimePass", "CrmBoard", "CrmBoardColumn", "CrmOpportunity", "CrmOpportunityHistory",
    "CrmOpportunityImportFile", "Currency", "CustomField", "DataFile", "DiscountCode",
    "DocumentTemplate", "EmailAccount", "EmailQueueItem", "EmailQueueItemAttachment",
    "EmailTemplateFile", "EventAttendee", "EventComment", "EventProduct", "ExtraService",
    "ExtraServicePrice", "ExtraServiceTimeSlot", "FinancialAccount", "FloorPlan", "FloorPlanDesk",
    "GlobalChatMessage", "HelpDeskComment", "HelpDeskDepartment", "HelpDeskMessage", "ImageFile",
    "InstalledApplication", "Invoice", "Language", "LanguageToken", "LedgerEntry", "NewsLetter",
    "NewsLetterSubscriber", "OpportunityType", "PassportCard", "PaymentGateway", "PayoutInvoice",
    "PlatformChangeMessage", "Product", "ProductBookingCredit", "ProductExtraService",
    "ProductTimePass", "Proposal", "ProposalContract", "ProposalProduct", "RadiusServer",
    "RefreshToken", "Reminder", "Report", "Reseller", "ResellerAccount", "ResellerPayout",
    "Resource", "ResourceAccessRule", "ResourceAccessRuleEligibleTimeSlot",
    "ResourceAccessRuleTimeSlot", "ResourceProduct", "ResourceTimeSlot", "ResourceType", "Role",
    "SimpleTimeZone", "SubscriberActivity", "SubscriberGroup", "Survey", "SurveyAnswer",
    "SurveyQuestion", "SurveyRun", "Tariff", "TariffBookingCredit", "TariffExtraService",
    "TariffProduct", "TariffSignupProduct", "TariffTimePass", "TaskItem", "TaskList", "TaxRate",
    "Team", "TemplateFile", "TemplateVersion", "TimePass", "TimePassPrice", "TimePassTimeSlot",
    "User", "UserBookmark", "UserMessage", "UserRole", "ValidationRule", "VideoFile", "Visitor",
    "WebHook", "Workspace",
];

/// Words that make a decimal field a money amount (a guess the reviewer confirms).
const MONEY_WORDS: &[&str] = &[
    "Price", "Amount", "Balance", "Fee", "Total", "Cost", "Debit",
];

/// What the page says that typing a field needs.
pub(super) struct Typing<'a> {
    /// Field name → enumeration name, from "Enumerated values".
    pub enums: &'a [(String, String)],
    /// "Related Entities".
    pub related: &'a [String],
}

/// A spec type, whether the page marks it nullable (`?`), and for the reviewer a comment
/// and, where the page could not be read, what to count as not recognised.
pub(super) struct Typed {
    pub ty: String,
    pub nullable: bool,
    pub note: Option<String>,
    pub unrecognised: Option<(&'static str, String)>,
}

impl Typed {
    pub fn plain(ty: impl Into<String>, nullable: bool) -> Self {
        Typed {
            ty: ty.into(),
            nullable,
            note: None,
            unrecognised: None,
        }
    }

    fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    fn unrecognised(mut self, kind: &'static str, detail: impl Into<String>) -> Self {
        self.unrecognised = Some((kind, detail.into()));
        self
    }

    /// Example records print enumeration values with their type's name
    /// (`Nexudus.Coworking.Core.Enums.eVenueType.Hotel`): that names an enumeration the
    /// page leaves unnamed, and is checked against the one it names.
    pub fn with_shown_enum(self, shown: Option<String>) -> Typed {
        let Some(shown) = shown else { return self };
        let unknown_type_name = self
            .ty
            .strip_prefix("id<")
            .and_then(|t| t.strip_suffix('>'))
            .is_some_and(|t| {
                (t == shown || format!("e{t}") == shown) && !KNOWN_ENTITIES.contains(&t)
            });
        if self.ty == "enum<Unknown>" || unknown_type_name {
            Typed::plain(format!("enum<{shown}>"), self.nullable).noted(format!(
                "{shown}, from an example value; the page names no enumeration for it"
            ))
        } else if self.ty.starts_with("enum<") && self.ty != format!("enum<{shown}>") {
            self.noted(format!("an example value is of {shown}"))
        } else {
            self
        }
    }
}

fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "xes", "ches", "shes"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        name[..name.len() - 2].to_string()
    } else if name.ends_with('s') && !name.ends_with("ss") {
        name[..name.len() - 1].to_string()
    } else {
        name.to_string()
    }
}

/// Whether `long` is `short` preceded by at least one more word (`InvoicingBusiness`).
fn ends_with_word(long: &str, short: &str) -> bool {
    long.len() > short.len()
        && long.ends_with(short)
        && long[..long.len() - short.len()].ends_with(char::is_lowercase)
}

/// The entity a name refers to, and whether that is a guess: an exact name of a related or
/// known entity is not; a known entity ending the name (`InvoicingBusiness` → Business), or
/// the one entity whose name ends with it (`EventCategory` → CalendarEventCategory), is.
fn entity_of(name: &str, t: &Typing) -> Option<(String, bool)> {
    let known = || {
        t.related
            .iter()
            .map(String::as_str)
            .chain(KNOWN_ENTITIES.iter().copied())
    };
    if let Some(e) = known().find(|e| *e == name) {
        return Some((e.to_string(), false));
    }
    if let Some(e) = known()
        .filter(|e| ends_with_word(name, e))
        .max_by_key(|e| e.len())
    {
        return Some((e.to_string(), true));
    }
    let ending: Vec<&str> = KNOWN_ENTITIES
        .iter()
        .copied()
        .filter(|e| ends_with_word(e, name))
        .collect();
    match ending[..] {
        [e] => Some((e.to_string(), true)),
        _ => None,
    }
}

fn is_money(name: &str) -> bool {
    name.to_snake_case()
        .split('_')
        .any(|w| MONEY_WORDS.contains(&w.to_upper_camel_case().as_str()))
}

/// Maps a page type (`int?`, `DateTime`, `Tariff`, `enum`, `int[]`) of field `name` to a
/// spec type. `entity` is set when an entity-typed filter already tied the field to one.
pub(super) fn map_type(raw: &str, name: &str, entity: Option<&str>, t: &Typing) -> Typed {
    let raw = raw.trim();
    let nullable = raw.ends_with('?');
    let base = raw.trim_end_matches('?');
    let lower = base.to_ascii_lowercase();
    let enum_of_field = t
        .enums
        .iter()
        .find(|(f, _)| f == name)
        .map(|(_, e)| e.clone());
    if let Some(e) = &enum_of_field
        && matches!(lower.as_str(), "enum" | "int" | "integer")
    {
        return Typed::plain(format!("enum<{e}>"), nullable);
    }
    match lower.as_str() {
        "int" | "integer" | "long" | "short" | "byte" => {
            let Some(stem) = name.strip_suffix("Id").filter(|s| !s.is_empty()) else {
                return Typed::plain("integer", nullable);
            };
            if let Some(e) = entity {
                return Typed::plain(format!("id<{e}>"), nullable);
            }
            match entity_of(stem, t) {
                Some((e, false)) => Typed::plain(format!("id<{e}>"), nullable),
                Some((e, true)) => Typed::plain(format!("id<{e}>"), nullable)
                    .noted(format!("the name suggests {e}; no filter ties it to one")),
                None => Typed::plain("integer", nullable).noted("ends in Id but names no entity"),
            }
        }
        "int[]" | "integer[]" | "long[]" => {
            let list = name
                .strip_prefix("Added")
                .or_else(|| name.strip_prefix("Removed"))
                .filter(|s| !s.is_empty())
                .unwrap_or(name);
            match entity_of(&singular(list), t) {
                Some((e, false)) => Typed::plain(format!("ids<{e}>"), nullable),
                Some((e, true)) => Typed::plain(format!("ids<{e}>"), nullable)
                    .noted(format!("ids of {e}, from the name")),
                None => Typed::plain("ids<Unknown>", nullable)
                    .noted("a list of ids; the name names no entity")
                    .unrecognised("list of ids of an unknown entity", name),
            }
        }
        "decimal" | "double" | "float" if is_money(name) => {
            Typed::plain("money", nullable).noted("money, from the name; the page says decimal")
        }
        "decimal" | "double" | "float" => Typed::plain("decimal", nullable),
        "bool" | "boolean" => Typed::plain("boolean", nullable),
        "string" => Typed::plain("string", nullable),
        "datetime" | "date" => Typed::plain("datetime", nullable),
        "guid" => Typed::plain("guid", nullable),
        "enum" => Typed::plain("enum<Unknown>", nullable)
            .noted("the page names no enumeration for it")
            .unrecognised("enum field whose enumeration the page does not name", name),
        _ if base.starts_with(|c: char| c.is_ascii_uppercase())
            && base.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            // A type name: an enumeration when the page lists it as one (`DayOfWeek`), else
            // an entity (`Tariff`).
            let named_enum = t
                .enums
                .iter()
                .find(|(_, e)| e == base)
                .map(|(_, e)| e.clone());
            if let Some(e) = enum_of_field.or(named_enum) {
                Typed::plain(format!("enum<{e}>"), nullable)
            } else if t.related.iter().any(|e| e == base) || KNOWN_ENTITIES.contains(&base) {
                Typed::plain(format!("id<{base}>"), nullable)
            } else {
                Typed::plain(format!("id<{base}>"), nullable).noted(format!(
                    "`{base}` is neither a listed enumeration nor a known entity"
                ))
            }
        }
        _ => Typed::plain("json", nullable)
            .noted(format!("the page types it `{raw}`"))
            .unrecognised("type not recognised", format!("{name}: {raw}")),
    }
}

/// A page type from an example value, for fields the page types nowhere.
pub(super) fn type_of_value(v: &ExampleValue) -> Option<&'static str> {
    if v.annotated("enumerated") {
        return Some("enum");
    }
    match v.value.as_ref()? {
        Value::Bool(_) => Some("bool"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("int"),
        Value::Number(_) => Some("decimal"),
        Value::String(_) => Some("string"),
        Value::Array(items) if items.iter().all(Value::is_number) => Some("int[]"),
        _ => None,
    }
}

/// `tariffbookingcredit-list` → `TariffBookingCredit-List`, with a note when the role
/// belongs to another entity.
pub(super) fn spell_role(role: &str, entity: &str) -> (String, Option<String>) {
    let (who, action) = role.rsplit_once('-').unwrap_or((role, ""));
    let who = if who.eq_ignore_ascii_case(entity) {
        entity.to_string()
    } else if let Some(e) = KNOWN_ENTITIES.iter().find(|e| e.eq_ignore_ascii_case(who)) {
        e.to_string()
    } else {
        who.to_upper_camel_case()
    };
    let note = (!who.eq_ignore_ascii_case(entity))
        .then(|| format!("the page names the role `{role}`, of another entity"));
    (format!("{who}-{}", action.to_upper_camel_case()), note)
}
