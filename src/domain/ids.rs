//! Opaque ids of the contract's resources, each its own type so a restore's id can never be
//! passed where a tenant's is expected. On the wire they are plain strings.

/// Declares an opaque id type: a transparent string on the wire, shown as it is.
#[macro_export]
macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub compact_str::CompactString);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.into())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id.into())
            }
        }
    };
}

opaque_id!(
    /// A tenant (`ten_…`).
    TenantId
);
opaque_id!(
    /// A restore point: a database dump and volume snapshot pair (`rp_…`).
    RestorePointId
);
opaque_id!(
    /// A restore (`rst_…`).
    RestoreId
);
opaque_id!(
    /// A DNS swap (`dns_…`).
    DnsSwapId
);

opaque_id!(
    /// Makes a write happen once however often it is sent: minted when the operator
    /// confirms an intent, kept in the journal, re-sent with every retry.
    IdempotencyKey
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_the_wire_and_distinct_types() {
        let id = RestoreId::from("rst_41c");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"rst_41c\"");
        let back: RestoreId = serde_json::from_str("\"rst_41c\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), "rst_41c");
    }
}
