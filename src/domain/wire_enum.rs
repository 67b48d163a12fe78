//! Enums of the control-plane contract keep values they do not know as `Unknown(raw)`:
//! the contract says an unknown value is shown as `unknown(<value>)`, never a crash and never
//! silently mapped to a known value.

/// Declares a string enum that (de)serialises as its snake_case wire value, with an
/// `Unknown(String)` catch-all that round-trips the raw value.
#[macro_export]
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this build does not know; kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The value as the contract spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(raw) => raw.as_str(),
                }
            }

            /// Parses a wire value; anything unknown is kept as `Unknown`.
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_string()),
                }
            }

            /// How the value reads on screen: unknown values as `unknown(<value>)`.
            pub fn label(&self) -> std::borrow::Cow<'_, str> {
                match self {
                    Self::Unknown(raw) => std::borrow::Cow::Owned(format!("unknown({raw})")),
                    known => std::borrow::Cow::Borrowed(known.as_str()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::parse(&raw))
            }
        }
    };
}
