//! Encryption at rest. An encrypted library has a random 32-byte data key, kept in
//! `library.key` wrapped (XChaCha20-Poly1305) under a key derived from the passphrase with
//! Argon2id; changing the passphrase rewraps it and touches nothing else. From the data key
//! come two keys (BLAKE3 `derive_key`): the catalogue's raw SQLCipher key and the files' key.
//!
//! A file (original, preview, thumbnail, temporary file) is sealed in chunks, the STREAM
//! construction: a header (magic and a random 16-byte nonce prefix), then 64 KiB chunks, each
//! with its own tag, the chunk's number and a last-chunk flag in its nonce, so chunks cannot
//! be reordered, dropped or the file cut short without the tag failing. The header is the
//! associated data of every chunk. Content hashes stay those of the plaintext.

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What every sealed file starts with.
pub const FILE_MAGIC: &[u8; 8] = b"SKLNENC1";
const PREFIX: usize = 16;
const HEADER: usize = FILE_MAGIC.len() + PREFIX;
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// Argon2id cost: 64 MiB, 3 passes, one lane (OWASP's second recommended setting).
const MEMORY_KIB: u32 = 64 * 1024;
const ITERATIONS: u32 = 3;
const LANES: u32 = 1;

/// The shortest new passphrase accepted (command line and app).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    #[error("the encrypted file is damaged or was not written by this library (its check failed)")]
    Damaged,
    #[error("library.key is damaged: {0}")]
    KeyFile(String),
}

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The bytes of lower- or upper-case hexadecimal, `None` when it is not.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, CryptoError> {
    parse_hex(text).ok_or_else(|| CryptoError::KeyFile("a hex field is malformed".into()))
}

/// Whether `bytes` are a sealed file (else plaintext: a library being encrypted or
/// decrypted holds both until it is done).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(FILE_MAGIC)
}

/// The keys of an unlocked library.
pub struct Keys {
    data: Zeroizing<[u8; 32]>,
    files: XChaCha20Poly1305,
    catalogue: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

fn nonce(prefix: &[u8], index: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&index.to_be_bytes());
    n[PREFIX + 4] = u8::from(last);
    XNonce::from(n)
}

impl Keys {
    pub fn from_data_key(data: &[u8; 32]) -> Self {
        let files = Zeroizing::new(blake3::derive_key("Skinlapse 2026 library file key", data));
        let catalogue = Zeroizing::new(blake3::derive_key(
            "Skinlapse 2026 library catalogue key",
            data,
        ));
        Self {
            data: Zeroizing::new(*data),
            files: XChaCha20Poly1305::new((&*files).into()),
            catalogue,
        }
    }

    /// A new random data key.
    pub fn generate() -> Self {
        Self::from_data_key(&Zeroizing::new(random::<32>()))
    }

    pub(super) fn data_key(&self) -> &[u8; 32] {
        &self.data
    }

    /// The catalogue's SQLCipher key as `PRAGMA key` takes a raw key: `x'…'`.
    pub fn catalogue_pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex(&*self.catalogue)))
    }

    /// Seals `plain` into a new buffer.
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let chunks = plain.len().div_ceil(CHUNK).max(1);
        let mut out = Vec::with_capacity(HEADER + plain.len() + chunks * TAG);
        out.extend_from_slice(FILE_MAGIC);
        out.extend_from_slice(&random::<PREFIX>());
        let header: [u8; HEADER] = out[..HEADER].try_into().expect("header length");
        for i in 0..chunks {
            let part = &plain[(i * CHUNK).min(plain.len())..((i + 1) * CHUNK).min(plain.len())];
            let start = out.len();
            out.extend_from_slice(part);
            let tag = self
                .files
                .encrypt_in_place_detached(
                    &nonce(&header[FILE_MAGIC.len()..], i as u32, i + 1 == chunks),
                    &header,
                    &mut out[start..],
                )
                .expect("a chunk is far below the cipher's limit");
            out.extend_from_slice(&tag);
        }
        out
    }

    /// Opens a sealed file, checking every chunk.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if !is_sealed(sealed) || sealed.len() < HEADER + TAG {
            return Err(CryptoError::Damaged);
        }
        let (header, mut rest) = sealed.split_at(HEADER);
        let mut plain = Vec::with_capacity(rest.len());
        let mut index = 0u32;
        loop {
            let last = rest.len() <= CHUNK + TAG;
            let take = rest.len().min(CHUNK + TAG);
            if take < TAG {
                return Err(CryptoError::Damaged);
            }
            let (chunk, tail) = rest.split_at(take);
            let (body, tag) = chunk.split_at(take - TAG);
            let start = plain.len();
            plain.extend_from_slice(body);
            self.files
                .decrypt_in_place_detached(
                    &nonce(&header[FILE_MAGIC.len()..], index, last),
                    header,
                    &mut plain[start..],
                    Tag::from_slice(tag),
                )
                .map_err(|_| CryptoError::Damaged)?;
            if last {
                return Ok(plain);
            }
            rest = tail;
            index = index.checked_add(1).ok_or(CryptoError::Damaged)?;
        }
    }
}

/// Where an encrypted library stands: done, or a conversion under way (its files may be
/// mixed until the command is run again to finish it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyState {
    Encrypting,
    Encrypted,
    Decrypting,
}

/// `library.key`: the data key wrapped under the passphrase. No secret is in it in clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: String,
    pub kdf: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
    pub state: KeyState,
}

const FORMAT: &str = "skinlapse-library-key-1";

impl KeyFile {
    fn kek(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.lanes, Some(32))
            .map_err(|e| CryptoError::KeyFile(format!("Argon2 parameters: {e}")))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut kek = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), &unhex(&self.salt)?, &mut *kek)
            .map_err(|e| CryptoError::KeyFile(format!("Argon2: {e}")))?;
        Ok(kek)
    }

    /// What the wrapping binds: every parameter, so none can be altered unnoticed.
    fn associated(&self) -> String {
        format!(
            "{} {} m={} t={} p={} salt={}",
            FORMAT, self.kdf, self.memory_kib, self.iterations, self.lanes, self.salt
        )
    }

    /// Wraps `keys`' data key under `passphrase` (fresh salt and nonce).
    pub fn wrap(keys: &Keys, passphrase: &str, state: KeyState) -> Self {
        let mut file = Self {
            format: FORMAT.into(),
            kdf: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            lanes: LANES,
            salt: hex(&random::<16>()),
            nonce: hex(&random::<24>()),
            wrapped: String::new(),
            state,
        };
        let kek = file.kek(passphrase).expect("fixed, valid parameters");
        let cipher = XChaCha20Poly1305::new((&*kek).into());
        let nonce = unhex(&file.nonce).expect("just written");
        let wrapped = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: keys.data_key(),
                    aad: file.associated().as_bytes(),
                },
            )
            .expect("32 bytes encrypt");
        file.wrapped = hex(&wrapped);
        file
    }

    /// The library's keys, or `WrongPassphrase`.
    pub fn unwrap_keys(&self, passphrase: &str) -> Result<Keys, CryptoError> {
        if self.format != FORMAT || self.kdf != "argon2id" {
            return Err(CryptoError::KeyFile(format!(
                "unknown format {:?} / key derivation {:?}",
                self.format, self.kdf
            )));
        }
        let kek = self.kek(passphrase)?;
        let cipher = XChaCha20Poly1305::new((&*kek).into());
        let nonce = unhex(&self.nonce)?;
        if nonce.len() != 24 {
            return Err(CryptoError::KeyFile("the nonce is not 24 bytes".into()));
        }
        let data = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &unhex(&self.wrapped)?,
                        aad: self.associated().as_bytes(),
                    },
                )
                .map_err(|_| CryptoError::WrongPassphrase)?,
        );
        let data: &[u8; 32] = data
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::KeyFile("the wrapped key is not 32 bytes".into()))?;
        Ok(Keys::from_data_key(data))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_vec_pretty(self).expect("serialisable");
        text.push(b'\n');
        text
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, CryptoError> {
        serde_json::from_slice(bytes).map_err(|e| CryptoError::KeyFile(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_seal_and_open_and_tampering_is_caught() {
        let keys = Keys::generate();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let sealed = keys.seal(&plain);
            assert!(is_sealed(&sealed));
            assert_eq!(keys.open(&sealed).unwrap(), plain, "{len}");
            if len > 0 {
                let mut bad = sealed.clone();
                bad[HEADER + 1] ^= 1;
                assert_eq!(keys.open(&bad), Err(CryptoError::Damaged));
            }
            if len > CHUNK {
                // Cut after the first chunk: that chunk was not sealed as the last one.
                assert_eq!(
                    keys.open(&sealed[..HEADER + CHUNK + TAG]),
                    Err(CryptoError::Damaged)
                );
            }
        }
        let other = Keys::generate();
        assert_eq!(other.open(&keys.seal(b"x")), Err(CryptoError::Damaged));
    }

    #[test]
    fn the_key_file_unwraps_only_with_its_passphrase() {
        let keys = Keys::generate();
        let file = KeyFile::wrap(&keys, "correct horse", KeyState::Encrypted);
        let parsed = KeyFile::parse(&file.to_bytes()).unwrap();
        let again = parsed.unwrap_keys("correct horse").unwrap();
        assert_eq!(again.data_key(), keys.data_key());
        assert_eq!(
            parsed.unwrap_keys("wrong").unwrap_err(),
            CryptoError::WrongPassphrase
        );
        let mut weakened = parsed;
        weakened.iterations = 1;
        assert!(weakened.unwrap_keys("correct horse").is_err());
    }
}
