//! Minisign signatures of `manifest.json` and `latest.json`, so an app or a CDN step
//! can prove a bundle came from the team. Keys are the standard `minisign -G` ones
//! (encrypted with a password, or unencrypted with `-W`); the signatures are minisign's
//! prehashed Ed25519 ones, which `minisign -V` verifies, with the version and the
//! content hash in the signed trusted comment.

use std::path::Path;

use minisign::{PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use crate::error::RunError;

/// The environment variable that holds an encrypted secret key's password.
pub const PASSWORD_VAR: &str = "HEALTHPRESS_SIGN_PASSWORD";

/// A secret key, decrypted, with its public key.
pub struct Signer {
    secret: SecretKey,
    public: PublicKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.public.to_base64())
    }
}

impl Signer {
    /// Read a minisign secret key file. `password`: for an encrypted key (from
    /// `HEALTHPRESS_SIGN_PASSWORD`, read at the edge); never prompted for.
    pub fn load(path: &Path, password: Option<String>) -> Result<Signer, RunError> {
        let bad = |why: String| RunError::Usage(format!("--sign-key {}: {why}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let not_a_key = |why: &str| bad(format!("not a minisign secret key ({why})"));
        let line = text
            .lines()
            .nth(1)
            .ok_or_else(|| not_a_key("no key line"))?;
        let bytes = <ct_codecs::Base64 as ct_codecs::Decoder>::decode_to_vec(line.trim(), None)
            .map_err(|_| not_a_key("the key line is not base64"))?;
        if bytes.len() != 158 || &bytes[..2] != b"Ed" {
            return Err(not_a_key("not an Ed25519 key of minisign's layout"));
        }
        let secret = match &bytes[2..4] {
            // Unencrypted (`minisign -G -W`). minisign 0.11 writes such keys with an
            // empty checksum, which the minisign crate refuses as corrupted; the probe
            // signature below proves the key whole instead.
            [0, 0] => SecretKey::from_bytes(&bytes).map_err(|e| not_a_key(&e.to_string()))?,
            b"Sc" => {
                let Some(password) = password else {
                    return Err(bad(format!(
                        "the key is encrypted; set {PASSWORD_VAR} to its password"
                    )));
                };
                SecretKey::from_box(
                    SecretKeyBox::from_string(&text).map_err(|e| not_a_key(&e.to_string()))?,
                    Some(password),
                )
                .map_err(|e| bad(format!("cannot decrypt it ({e})")))?
            }
            _ => return Err(not_a_key("unknown key encryption")),
        };
        let public =
            PublicKey::from_secret_key(&secret).map_err(|e| bad(format!("unusable key ({e})")))?;
        let signer = Signer { secret, public };
        // `sign` checks each signature against the public key: a damaged key fails here,
        // before anything is built.
        signer
            .sign(b"probe", "probe")
            .map_err(|_| not_a_key("its secret and public halves do not match"))?;
        Ok(signer)
    }

    /// A minisign signature file of `bytes` with `trusted_comment`.
    pub fn sign(&self, bytes: &[u8], trusted_comment: &str) -> Result<String, RunError> {
        let sig = minisign::sign(
            Some(&self.public),
            &self.secret,
            std::io::Cursor::new(bytes),
            Some(trusted_comment),
            Some("signature from healthpress"),
        )
        .map_err(RunError::Sign)?;
        Ok(sig.into_string())
    }
}

/// Read a public key: a `minisign.pub` file, or the bare base64 line of one.
pub fn public_key(path: &Path) -> Result<PublicKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let key = if text.lines().count() >= 2 {
        PublicKeyBox::from_string(&text).and_then(PublicKeyBox::into_public_key)
    } else {
        PublicKey::from_base64(text.trim())
    };
    key.map_err(|e| format!("{}: not a minisign public key ({e})", path.display()))
}

/// Check a signature file's text against `bytes` with `key`; the signed trusted
/// comment when it verifies.
pub fn verify(key: &PublicKey, bytes: &[u8], signature: &str) -> Result<String, String> {
    let sig = SignatureBox::from_string(signature)
        .map_err(|e| format!("not a minisign signature ({e})"))?;
    minisign::verify(key, &sig, std::io::Cursor::new(bytes), true, false, false)
        .map_err(|e| e.to_string())?;
    sig.trusted_comment().map_err(|e| e.to_string())
}
