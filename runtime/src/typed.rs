//! What the generated typed ids and enumerations share: the trait impls, written once here
//! as macros the generated code calls, and the value an enumeration keeps when it does not
//! know it.

use std::fmt;

/// A number an enumeration does not name, as the API sent it.
///
/// Only an enumeration's `from_value` makes one, so an `Unknown` variant never holds a value
/// the enumeration names: matching on the named variants is enough to find them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownValue(i64);

impl UnknownValue {
    /// For generated `from_value` functions only; see the type's docs.
    #[doc(hidden)]
    pub const fn new(value: i64) -> Self {
        UnknownValue(value)
    }

    /// The number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not a value of an enumeration or a typed id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {what}")]
pub struct ParseValueError {
    text: String,
    what: String,
}

impl ParseValueError {
    #[doc(hidden)]
    pub fn new(text: &str, what: impl Into<String>) -> Self {
        ParseValueError {
            text: text.to_owned(),
            what: what.into(),
        }
    }
}

/// A generated typed id, `typed_id!(CoworkerId, "Coworker")`: the newtype
/// `pub struct CoworkerId(pub i64);`, conversions from and to `i64`, `Display` and `FromStr`
/// as a number, and serde as a JSON number. One item, so one `#[cfg]` gates all of it.
#[doc(hidden)]
#[macro_export]
macro_rules! typed_id {
    ($name:ident, $entity:literal) => {
        #[doc = concat!("The id of one `", $entity, "` record.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl ::core::convert::From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl ::core::convert::From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        // So that `find_by_ids(&ids)` takes a slice or a `Vec` of ids as well.
        impl ::core::convert::From<&$name> for $name {
            fn from(id: &$name) -> Self {
                *id
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::ParseValueError;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                text.trim().parse().map($name).map_err(|_| {
                    $crate::ParseValueError::new(text, concat!("the id of a ", $entity, " record"))
                })
            }
        }

        impl $crate::wire::serde::Serialize for $name {
            fn serialize<S: $crate::wire::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> $crate::wire::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <i64 as $crate::wire::serde::Deserialize>::deserialize(deserializer).map($name)
            }
        }
    };
}

/// The trait impls of a generated enumeration with inherent `value`, `from_value` and
/// `SCHEMA`: conversions from and to `i64`, `Display` (the name, or the number when the
/// spec names none), `FromStr` (a name, ignoring case, or a number), serde as a JSON number.
#[doc(hidden)]
#[macro_export]
macro_rules! api_enum {
    ($name:ident) => {
        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                $name::from_value(value)
            }
        }

        impl ::core::convert::From<$name> for i64 {
            fn from(value: $name) -> Self {
                value.value()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match $name::SCHEMA.name_of(self.value()) {
                    Some(name) => f.write_str(name),
                    None => ::core::fmt::Display::fmt(&self.value(), f),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::ParseValueError;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                let text = text.trim();
                $name::SCHEMA
                    .value_of(text)
                    .or_else(|| text.parse().ok())
                    .map($name::from_value)
                    .ok_or_else(|| {
                        $crate::ParseValueError::new(
                            text,
                            ::std::format!("a value of {}", $name::SCHEMA.name),
                        )
                    })
            }
        }

        impl $crate::wire::serde::Serialize for $name {
            fn serialize<S: $crate::wire::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> $crate::wire::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <i64 as $crate::wire::serde::Deserialize>::deserialize(deserializer)
                    .map($name::from_value)
            }
        }
    };
}
