//! The TLS a connection string asks for, on the rustls and ring provider snapdeck uses
//! everywhere: `require` encrypts without verifying (as libpq does without a root
//! certificate), `verify-ca` checks the chain, `verify-full` the chain and the host name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, RootCertStore};

use crate::domain::verify::dsn::{Dsn, SslMode};

/// The client config for `dsn`'s TLS; `None` when it asks for none.
pub fn client_config(dsn: &Dsn) -> Result<Option<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verify = match dsn.sslmode {
        SslMode::Disable => return Ok(None),
        // libpq verifies the chain under `require` too when it is given a root certificate.
        SslMode::Prefer | SslMode::Require if dsn.sslrootcert.is_none() => Verify::Nothing,
        SslMode::Prefer | SslMode::Require | SslMode::VerifyCa => Verify::Chain,
        SslMode::VerifyFull => Verify::ChainAndName,
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Verify::Nothing => Arc::new(Lenient {
            chain: None,
            algorithms,
        }),
        Verify::Chain | Verify::ChainAndName => {
            let roots = roots(dsn.sslrootcert.as_deref())?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| format!("TLS: the root certificates cannot be used: {e}"))?;
            if verify == Verify::ChainAndName {
                webpki
            } else {
                Arc::new(Lenient {
                    chain: Some(webpki),
                    algorithms,
                })
            }
        }
    };
    Ok(Some(
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
    Nothing,
    Chain,
    ChainAndName,
}

/// `sslrootcert`, else libpq's ~/.postgresql/root.crt, else this machine's trusted roots.
fn roots(sslrootcert: Option<&Path>) -> Result<RootCertStore, String> {
    let default = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql/root.crt"));
    let file = sslrootcert
        .map(Path::to_path_buf)
        .or(default.filter(|p| p.exists()));
    let mut roots = RootCertStore::empty();
    match file {
        Some(file) => {
            let certs = CertificateDer::pem_file_iter(&file)
                .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    if roots.is_empty() {
        return Err("TLS: no root certificate to verify the server by (set sslrootcert)".into());
    }
    Ok(roots)
}

/// Checks the handshake's signatures always, and the chain only when given one (any host
/// name then): `require` and `verify-ca`.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
