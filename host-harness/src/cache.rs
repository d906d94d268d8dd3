//! The compile cache: the component compiled by Cranelift, serialized to disk
//! so that the next process loads it in milliseconds instead of compiling it
//! for most of a second.
//!
//! An entry is named by a BLAKE3 hash of the component's bytes and the
//! engine's compatibility hash (wasmtime's version, the target and every
//! setting that changes compiled code), so a changed component or engine never
//! meets an old entry. Loading compiled code runs it unchecked, so an entry is
//! loaded only if it carries a MAC (keyed BLAKE3) made with this cache's
//! secret key, which only the writer of the cache can read: a file someone else put there, or one cut
//! short, is ignored and the component compiled again. Entries are written to
//! a temporary file and renamed into place, so processes racing to fill the
//! cache each see a whole file or none.

use std::fs::{self, File, OpenOptions};
use std::hash::Hasher;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use wasmtime::Engine;
use wasmtime::component::Component;

/// The environment variable that overrides the cache directory.
pub const CACHE_DIR_VARIABLE: &str = "HUBSPOT_HARNESS_CACHE_DIR";

/// What an entry starts with: the format, then the MAC of the rest.
const MAGIC: &[u8; 8] = b"HSHCC\x002\n";
const MAC_BYTES: usize = blake3::OUT_LEN;
const SECRET_FILE: &str = "secret.key";
const SECRET_BYTES: usize = 32;

/// A directory of compiled components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileCache {
    dir: PathBuf,
}

/// How a [`crate::Connector`] got its compiled component.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loaded {
    /// Compiled in this process, without a cache.
    Compiled,
    /// Compiled in this process and stored in the cache for the next one.
    CompiledAndCached,
    /// Compiled in this process; the cache could not be used (the reason).
    CompiledCacheFailed(String),
    /// Loaded from the cache, not compiled.
    FromCache,
}

impl Loaded {
    /// A short, stable name: `compiled`, `compiled-and-cached`,
    /// `compiled-cache-failed` or `from-cache`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Compiled => "compiled",
            Self::CompiledAndCached => "compiled-and-cached",
            Self::CompiledCacheFailed(_) => "compiled-cache-failed",
            Self::FromCache => "from-cache",
        }
    }
}

impl CompileCache {
    /// A cache in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The user's cache: `$HUBSPOT_HARNESS_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/hubspot-harness`, else `~/.cache/hubspot-harness`;
    /// `None` when none of them is set.
    pub fn user() -> Option<Self> {
        let set = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        set(CACHE_DIR_VARIABLE)
            .or_else(|| set("XDG_CACHE_HOME").map(|dir| dir.join("hubspot-harness")))
            .or_else(|| set("HOME").map(|dir| dir.join(".cache").join("hubspot-harness")))
            .map(Self::new)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The component compiled for `engine`, from the cache when it holds a
    /// valid entry, else compiled and stored.
    pub(crate) fn load(&self, engine: &Engine, wasm: &[u8]) -> wasmtime::Result<(Component, Loaded)> {
        let key = entry_key(engine, wasm);
        let secret = match self.secret() {
            Ok(secret) => secret,
            Err(error) => {
                let component = Component::new(engine, wasm)?;
                return Ok((component, Loaded::CompiledCacheFailed(error)));
            }
        };
        let path = self.dir.join(format!("{key}.cwasm"));
        if let Some(component) =
            read_entry(&path, &secret).and_then(|entry| deserialize_verified(engine, entry.payload()))
        {
            return Ok((component, Loaded::FromCache));
        }
        let component = Component::new(engine, wasm)?;
        let loaded = match component.serialize() {
            Ok(payload) => match self.write_entry(&path, &secret, &payload) {
                Ok(()) => Loaded::CompiledAndCached,
                Err(error) => Loaded::CompiledCacheFailed(format!("{}: {error}", path.display())),
            },
            Err(error) => Loaded::CompiledCacheFailed(format!("serializing failed: {error}")),
        };
        Ok((component, loaded))
    }

    /// The cache's secret key, made on first use; the directory must be the
    /// user's own and closed to others.
    fn secret(&self) -> Result<[u8; SECRET_BYTES], String> {
        let shown = |error: std::io::Error| format!("{}: {error}", self.dir.display());
        create_private_dir(&self.dir).map_err(shown)?;
        check_private(&self.dir, true).map_err(|why| format!("{}: {why}", self.dir.display()))?;
        let path = self.dir.join(SECRET_FILE);
        if !path.exists() {
            let mut secret = [0u8; SECRET_BYTES];
            File::open("/dev/urandom")
                .and_then(|mut random| random.read_exact(&mut secret))
                .map_err(|error| format!("no randomness for the cache key: {error}"))?;
            let temporary = self.temporary_path(SECRET_FILE);
            write_private(&temporary, &secret).map_err(shown)?;
            // A hard link fails if another process made the key first; then
            // its key is the one to use.
            let _ = fs::hard_link(&temporary, &path);
            let _ = fs::remove_file(&temporary);
        }
        check_private(&path, false).map_err(|why| format!("{}: {why}", path.display()))?;
        let secret = fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        secret
            .try_into()
            .map_err(|_| format!("{} is not a cache key", path.display()))
    }

    fn write_entry(&self, path: &Path, secret: &[u8; SECRET_BYTES], payload: &[u8]) -> std::io::Result<()> {
        let mut contents = Vec::with_capacity(MAGIC.len() + MAC_BYTES + payload.len());
        contents.extend_from_slice(MAGIC);
        contents.extend_from_slice(blake3::keyed_hash(secret, payload).as_bytes());
        contents.extend_from_slice(payload);
        let name = path
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let temporary = self.temporary_path(&name);
        write_private(&temporary, &contents)?;
        fs::rename(&temporary, path).inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })
    }

    /// A name no other process or thread uses at the same time.
    fn temporary_path(&self, name: &str) -> PathBuf {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let thread = {
            let mut hasher = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&std::thread::current().id(), &mut hasher);
            hasher.finish()
        };
        self.dir
            .join(format!(".{name}.{}.{nanos}.{thread:x}.tmp", std::process::id()))
    }
}

/// The entry's name: the component and the engine settings it was compiled with.
fn entry_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = KeyHasher(blake3::Hasher::new());
    hasher.write(b"hubspot-harness compile cache\0");
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
    hasher.write(blake3::hash(wasm).as_bytes());
    hasher.0.finalize().to_hex().to_string()
}

/// Feeds `Hash` implementations into BLAKE3, so the key is stable across
/// processes (the standard hasher is not guaranteed to be).
struct KeyHasher(blake3::Hasher);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let digest = self.0.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest.as_bytes()[..8]);
        u64::from_le_bytes(first)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// A cache file whose MAC is right; its payload is borrowed, not copied.
struct Entry {
    contents: Vec<u8>,
}

impl Entry {
    const HEADER: usize = MAGIC.len() + MAC_BYTES;

    fn payload(&self) -> &[u8] {
        self.contents.get(Self::HEADER..).unwrap_or_default()
    }
}

/// The entry at `path` if its MAC is right; `None` for a missing, foreign,
/// altered or truncated file.
fn read_entry(path: &Path, secret: &[u8; SECRET_BYTES]) -> Option<Entry> {
    check_private(path, false).ok()?;
    let contents = fs::read(path).ok()?;
    let rest = contents.strip_prefix(MAGIC.as_slice())?;
    let (mac, payload) = rest.split_at_checked(MAC_BYTES)?;
    let mac: [u8; MAC_BYTES] = mac.try_into().ok()?;
    // `blake3::Hash` compares in constant time.
    (blake3::Hash::from_bytes(mac) == blake3::keyed_hash(secret, payload)).then_some(Entry { contents })
}

/// Turns bytes this cache wrote back into a component.
///
/// `Component::deserialize` is `unsafe` because it maps the bytes as machine
/// code without checking them. The one caller passes only a payload whose
/// MAC under this cache's secret key it has just verified, in memory (no file
/// can change between the check and the load), so the bytes are exactly what
/// `Component::serialize` produced in a process of this user; wasmtime itself
/// still rejects an entry from an incompatible engine, which then counts as a
/// miss.
#[expect(
    unsafe_code,
    reason = "loading verified output of Component::serialize; see the doc comment"
)]
fn deserialize_verified(engine: &Engine, payload: &[u8]) -> Option<Component> {
    // SAFETY: `payload` carries a valid MAC under the cache's secret key, so
    // it is the unaltered output of `Component::serialize` (see above).
    unsafe { Component::deserialize(engine, payload) }.ok()
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A cache file or directory must belong to this user and be writable by no
/// one else, or others could put code there.
#[cfg(unix)]
fn check_private(path: &Path, is_dir: bool) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let metadata = fs::symlink_metadata(path).map_err(|error| error.to_string())?;
    if metadata.is_dir() != is_dir || metadata.file_type().is_symlink() {
        return Err("not a plain file or directory".to_owned());
    }
    if metadata.uid() != current_uid()? {
        return Err("belongs to another user".to_owned());
    }
    if metadata.mode() & 0o022 != 0 {
        return Err("others may write to it".to_owned());
    }
    Ok(())
}

/// The user this process runs as. std has no `getuid`; on Linux the owner of
/// `/proc/self` is it, elsewhere the owner of a file this process creates.
#[cfg(unix)]
fn current_uid() -> Result<u32, String> {
    use std::os::unix::fs::MetadataExt;
    if let Ok(metadata) = fs::metadata("/proc/self") {
        return Ok(metadata.uid());
    }
    let probe = std::env::temp_dir().join(format!(".hubspot-harness-uid.{}", std::process::id()));
    let uid = File::create(&probe)
        .and_then(|file| file.metadata())
        .map(|metadata| metadata.uid())
        .map_err(|error| format!("the current user is unknown: {error}"));
    let _ = fs::remove_file(&probe);
    uid
}

#[cfg(not(unix))]
fn check_private(path: &Path, is_dir: bool) -> Result<(), String> {
    let metadata = fs::symlink_metadata(path).map_err(|error| error.to_string())?;
    if metadata.is_dir() != is_dir || metadata.file_type().is_symlink() {
        return Err("not a plain file or directory".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid component: the preamble and no sections.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

    fn scratch(name: &str) -> CompileCache {
        let dir = std::env::temp_dir().join(format!("hubspot-harness-cache-unit-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        CompileCache::new(dir)
    }

    #[test]
    fn an_entry_is_stored_then_loaded_and_a_foreign_one_is_refused() {
        let cache = scratch("entry");
        let engine = Engine::default();
        let (_, first) = cache.load(&engine, EMPTY_COMPONENT).unwrap();
        assert_eq!(first, Loaded::CompiledAndCached);
        let (_, second) = cache.load(&engine, EMPTY_COMPONENT).unwrap();
        assert_eq!(second, Loaded::FromCache);

        // An entry made with another key (another user's, say) is not loaded.
        let key = entry_key(&engine, EMPTY_COMPONENT);
        let path = cache.dir().join(format!("{key}.cwasm"));
        let payload = fs::read(&path).unwrap()[MAGIC.len() + MAC_BYTES..].to_vec();
        assert!(read_entry(&path, &[7u8; SECRET_BYTES]).is_none());
        fs::remove_file(&path).unwrap();
        cache.write_entry(&path, &[7u8; SECRET_BYTES], &payload).unwrap();
        let (_, foreign) = cache.load(&engine, EMPTY_COMPONENT).unwrap();
        assert_eq!(foreign, Loaded::CompiledAndCached);

        // A truncated entry is not loaded either.
        let contents = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        fs::write(&path, &contents[..contents.len() / 2]).unwrap();
        let (_, truncated) = cache.load(&engine, EMPTY_COMPONENT).unwrap();
        assert_eq!(truncated, Loaded::CompiledAndCached);
        let _ = fs::remove_dir_all(cache.dir());
    }

    #[test]
    fn other_settings_or_another_component_get_another_entry() {
        let engine = Engine::default();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let other_engine = Engine::new(&config).unwrap();
        let key = entry_key(&engine, EMPTY_COMPONENT);
        assert_ne!(key, entry_key(&other_engine, EMPTY_COMPONENT));
        assert_ne!(key, entry_key(&engine, b"\0asm\x0d\0\x01\0\0"));
        assert_eq!(key, entry_key(&Engine::default(), EMPTY_COMPONENT));
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_may_write_to_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let cache = scratch("open");
        fs::create_dir_all(cache.dir()).unwrap();
        fs::set_permissions(cache.dir(), fs::Permissions::from_mode(0o777)).unwrap();
        let (_, loaded) = cache.load(&Engine::default(), EMPTY_COMPONENT).unwrap();
        assert!(
            matches!(&loaded, Loaded::CompiledCacheFailed(why) if why.contains("others may write")),
            "{loaded:?}"
        );
        let _ = fs::remove_dir_all(cache.dir());
    }
}
