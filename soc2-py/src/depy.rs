//! Python model objects to soc2-core types, without JSON text in between.
//!
//! A serde `Deserializer` over Python values: `str`, `int`, `bool`, `None`, `list`,
//! `tuple`, `dict`, aware `datetime` and `date` (as their JSON strings), and the objects of
//! the model classes in `soc2/_model.py` (as the map of their fields, or as an enum
//! variant named by their class's `_tag`). The Rust types' own `Deserialize` decides what
//! fits where, exactly as it does for JSON; the remaining rules of the model (Unicode NFC,
//! the integer range) are checked when soc2-core writes the canonical form, which every
//! path from here does. This is only a faster road to the same checks than `json.dumps`
//! followed by a second parse, which the batch API needs.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::sync::Mutex;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use soc2_core::json::JsonError;

/// Why a Python value does not fit the Rust type.
#[derive(Debug)]
pub(crate) struct DepyError(String);

impl fmt::Display for DepyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DepyError {}

impl de::Error for DepyError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DepyError(msg.to_string())
    }
}

fn py_err(e: impl fmt::Display) -> DepyError {
    DepyError(e.to_string())
}

/// What a Python class is, as far as the model is concerned; worked out once per class.
enum TypeInfo {
    /// A model class built by `@model`: its fields in order, and the enum variant it
    /// stands for.
    Model {
        /// Field names, as the Python strings the instances' `__dict__` uses and as text.
        fields: Vec<(Py<PyString>, &'static str)>,
        /// The variant name (`_tag`), if the class is one variant of a Rust enum.
        tag: Option<&'static str>,
        /// Whether the class is the whole variant (`{tag: fields}`) rather than the struct
        /// a newtype variant wraps.
        variant_only: bool,
    },
    /// A hand-written model class (`AuditPeriod`): its `_dump()` gives its JSON form.
    HandWritten,
    /// `datetime.datetime` (or a subclass): written as a UTC timestamp.
    DateTime,
    /// `datetime.date` (or a subclass): written `YYYY-MM-DD`.
    Date,
    /// Anything else.
    Other,
}

/// The classes seen so far, by type object address. Each entry keeps its class alive (a
/// strong reference), so an address is never reused for another class; model classes
/// are few, and other classes are rare here.
static TYPES: PyOnceLock<Mutex<TypeCache>> = PyOnceLock::new();

/// (type object address, the class, what it is): a handful of entries, scanned in order.
type TypeCache = Vec<(usize, Py<PyType>, &'static TypeInfo)>;

/// The base classes to recognise, looked up once.
struct Bases {
    model: Py<PyType>,
    datetime: Py<PyType>,
    date: Py<PyType>,
    /// `datetime.timezone.utc`.
    utc: Py<PyAny>,
}

static BASES: PyOnceLock<Bases> = PyOnceLock::new();

fn bases(py: Python<'_>) -> PyResult<&'static Bases> {
    BASES.get_or_try_init(py, || {
        let ty = |module: &str, name: &str| -> PyResult<Py<PyType>> {
            Ok(py.import(module)?.getattr(name)?.cast_into::<PyType>()?.unbind())
        };
        Ok(Bases {
            model: ty("soc2._model", "Model")?,
            datetime: ty("datetime", "datetime")?,
            date: ty("datetime", "date")?,
            utc: py.import("datetime")?.getattr("timezone")?.getattr("utc")?.unbind(),
        })
    })
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn type_info(ty: &Bound<'_, PyType>) -> Result<&'static TypeInfo, DepyError> {
    let py = ty.py();
    let key = ty.as_ptr() as usize;
    let cache = TYPES.get_or_init(py, || Mutex::new(Vec::new()));
    if let Some((_, _, info)) =
        cache.lock().unwrap_or_else(|p| p.into_inner()).iter().find(|(k, _, _)| *k == key)
    {
        return Ok(info);
    }
    let b = bases(py).map_err(py_err)?;
    let info = if ty.is_subclass(b.model.bind(py)).map_err(py_err)? {
        let spec = ty.getattr("_fields").map_err(py_err)?;
        if spec.len().map_err(py_err)? == 0 {
            TypeInfo::HandWritten
        } else {
            let mut fields = Vec::new();
            for f in spec.try_iter().map_err(py_err)? {
                let name = f.map_err(py_err)?.getattr("name").map_err(py_err)?;
                let name = name.cast_into::<PyString>().map_err(py_err)?;
                let text = leak(name.to_cow().map_err(py_err)?.into_owned());
                // The instances' keys are the interned attribute names.
                let interned = PyString::intern(py, text).unbind();
                fields.push((interned, text));
            }
            let tag: String = ty.getattr("_tag").and_then(|t| t.extract()).map_err(py_err)?;
            let variant_only: bool =
                ty.getattr("_variant_only").and_then(|t| t.extract()).map_err(py_err)?;
            TypeInfo::Model { fields, tag: (!tag.is_empty()).then(|| leak(tag)), variant_only }
        }
    } else if ty.is_subclass(b.datetime.bind(py)).map_err(py_err)? {
        TypeInfo::DateTime
    } else if ty.is_subclass(b.date.bind(py)).map_err(py_err)? {
        TypeInfo::Date
    } else {
        TypeInfo::Other
    };
    let info: &'static TypeInfo = Box::leak(Box::new(info));
    cache.lock().unwrap_or_else(|p| p.into_inner()).push((key, ty.clone().unbind(), info));
    Ok(info)
}

/// Converts a Python value to `T`; errors carry the path of the offending field
/// (`payload.note.title`), as a [`JsonError`] without a position.
pub(crate) fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> Result<T, JsonError> {
    // Without path tracking first: it costs a fifth of the time, and is only needed to
    // word an error, so a value that fails is converted again with it.
    if let Ok(value) = T::deserialize(Depy { obj }) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(Depy { obj }).map_err(|e| {
        let path = e.path().to_string();
        JsonError {
            source_name: None,
            line: 0,
            column: 0,
            path: if path.is_empty() { ".".to_owned() } else { path },
            reason: e.into_inner().0,
        }
    })
}

/// Converts each item of a Python list to `T`; error paths start with the item's position
/// (`[3].controls[0]`), as they would for a JSON array.
///
/// Immutable leaf values (`str`, `datetime`, `date`) shared between items, as the same
/// system name, source or time usually is across a batch, are converted once.
pub(crate) fn from_py_items<T: DeserializeOwned>(
    items: &Bound<'_, PyList>,
) -> Result<Vec<T>, JsonError> {
    let _memo = Memo::start();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(from_py(&item).map_err(|e| at_index(i, e))?);
    }
    Ok(out)
}

/// Slots in the memo: a power of two.
const MEMO_SLOTS: usize = 4096;

/// The JSON strings of leaf values converted during one `from_py_items` call, in a
/// direct-mapped table by object address (a value shared by many items stays, a unique one
/// is replaced by the next that maps to its slot). Each entry holds a reference to its
/// object, so that no address in the table is reused for another object while it is there.
type MemoTable = Vec<Option<(usize, Py<PyAny>, Rc<str>)>>;

thread_local! {
    static MEMO: RefCell<Option<MemoTable>> = const { RefCell::new(None) };
}

/// Switches the memo on for the current thread until dropped.
struct Memo;

impl Memo {
    fn start() -> Memo {
        MEMO.with(|m| *m.borrow_mut() = Some((0..MEMO_SLOTS).map(|_| None).collect()));
        Memo
    }

    /// The memoised JSON string of `obj`, or `make`'s, remembered when the memo is on.
    fn text(
        obj: &Bound<'_, PyAny>,
        make: impl FnOnce() -> Result<Rc<str>, DepyError>,
    ) -> Result<Rc<str>, DepyError> {
        let key = obj.as_ptr() as usize;
        let slot = ((key >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) % MEMO_SLOTS;
        let hit = MEMO.with(|m| match m.borrow().as_ref().and_then(|t| t[slot].as_ref()) {
            Some((k, _, s)) if *k == key => Some(s.clone()),
            _ => None,
        });
        if let Some(s) = hit {
            return Ok(s);
        }
        let s = make()?;
        let evicted = MEMO.with(|m| {
            m.borrow_mut()
                .as_mut()
                .and_then(|t| t[slot].replace((key, obj.clone().unbind(), s.clone())))
        });
        // Released outside the borrow: dropping a reference may run Python code.
        drop(evicted);
        Ok(s)
    }
}

impl Drop for Memo {
    fn drop(&mut self) {
        // Taking the table out first: its references are released after the borrow ends.
        let table = MEMO.with(|m| m.borrow_mut().take());
        drop(table);
    }
}

/// Prefixes an error's path with a position in a list.
pub(crate) fn at_index(i: usize, mut e: JsonError) -> JsonError {
    e.path = if e.path == "." { format!("[{i}]") } else { format!("[{i}].{}", e.path) };
    e
}

/// One Python value being deserialized.
struct Depy<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
}

/// What a Python value is, as far as the model is concerned.
enum Kind<'py> {
    None,
    Bool(bool),
    Int,
    Float(f64),
    Str(Rc<str>),
    Seq(Vec<Bound<'py, PyAny>>),
    Dict(Bound<'py, PyDict>),
    /// A model object: its fields present (not None), and its class's variant, if any.
    Model {
        fields: Vec<(&'static str, Bound<'py, PyAny>)>,
        tag: Option<&'static str>,
        variant_only: bool,
    },
}

fn text(s: &Bound<'_, PyString>) -> Result<Rc<str>, DepyError> {
    Ok(Rc::from(s.to_cow().map_err(py_err)?.as_ref()))
}

impl<'py> Depy<'_, 'py> {
    fn kind(&self) -> Result<Kind<'py>, DepyError> {
        let obj = self.obj;
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Kind::Str(Memo::text(obj, || text(s))?));
        }
        if obj.is_none() {
            return Ok(Kind::None);
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Kind::Bool(b.is_true()));
        }
        if obj.cast::<PyInt>().is_ok() {
            return Ok(Kind::Int);
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return Ok(Kind::Seq(list.iter().collect()));
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return Ok(Kind::Dict(d.clone()));
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return Ok(Kind::Seq(t.iter().collect()));
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return Ok(Kind::Float(f.value()));
        }
        match type_info(&obj.get_type())? {
            TypeInfo::Model { fields, tag, variant_only } => {
                let dict = obj.getattr(intern!(obj.py(), "__dict__")).map_err(py_err)?;
                let dict = dict.cast_into::<PyDict>().map_err(py_err)?;
                let mut present = Vec::with_capacity(fields.len());
                for (key, name) in fields {
                    // Absent optional values (None) are left out, as in the JSON form.
                    if let Some(v) = dict.get_item(key.bind(obj.py())).map_err(py_err)?
                        && !v.is_none()
                    {
                        present.push((*name, v));
                    }
                }
                Ok(Kind::Model { fields: present, tag: *tag, variant_only: *variant_only })
            }
            TypeInfo::HandWritten => {
                let dumped = obj.call_method0(intern!(obj.py(), "_dump")).map_err(py_err)?;
                Ok(Kind::Dict(dumped.cast_into::<PyDict>().map_err(py_err)?))
            }
            TypeInfo::DateTime => Ok(Kind::Str(Memo::text(obj, || timestamp(obj).map(Rc::from))?)),
            TypeInfo::Date => Ok(Kind::Str(Memo::text(obj, || date(obj).map(Rc::from))?)),
            TypeInfo::Other => {
                let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
                Err(DepyError(format!("a value of type {name} cannot be written as JSON")))
            }
        }
    }
}

/// The JSON form of an aware datetime: the instant in UTC, `2026-03-28T14:05:00Z`. Model
/// objects hold UTC with whole seconds (see `to_utc` in `_model.py`); another time zone is
/// converted through `timestamp()`; a naive datetime or one with a fraction of a second is
/// refused, not rounded.
///
/// A UTC datetime is read from its pickle state (`__reduce__()`: the class and `(state,
/// tzinfo)`, where `state` is ten bytes: year (2, big-endian), month, day, hour, minute,
/// second, microsecond (3)), the format `datetime` has kept since Python 2.3: one call,
/// where reading the seven fields through the stable ABI takes seven.
fn timestamp(obj: &Bound<'_, PyAny>) -> Result<String, DepyError> {
    let py = obj.py();
    let reduced = obj.call_method0(intern!(py, "__reduce__")).map_err(py_err)?;
    let state = reduced.get_item(1).map_err(py_err)?;
    let tz = state.get_item(1).ok();
    let Some(tz) = tz.filter(|t| !t.is_none()) else {
        return Err(DepyError(format!("naive datetime {obj} has no time zone")));
    };
    let bytes = state.get_item(0).map_err(py_err)?;
    let b = bytes.cast::<pyo3::types::PyBytes>().map_err(py_err)?.as_bytes();
    let utc = bases(py).map_err(py_err)?.utc.bind(py);
    if b.len() != 10 {
        return Err(DepyError(format!("datetime {obj}: unexpected pickle state")));
    }
    if b[7..10] != [0, 0, 0] {
        return Err(DepyError(format!("datetime {obj} has a fraction of a second")));
    }
    let dt = if tz.is(utc) {
        let date = chrono::NaiveDate::from_ymd_opt(
            i32::from(u16::from_be_bytes([b[0], b[1]])),
            u32::from(b[2]),
            u32::from(b[3]),
        );
        let time =
            chrono::NaiveTime::from_hms_opt(u32::from(b[4]), u32::from(b[5]), u32::from(b[6]));
        date.zip(time).map(|(d, t)| d.and_time(t).and_utc())
    } else {
        let seconds: f64 =
            obj.call_method0(intern!(py, "timestamp")).and_then(|t| t.extract()).map_err(py_err)?;
        // Whole seconds within chrono's range are exact in an f64 (|s| < 2^53).
        chrono::DateTime::from_timestamp(seconds as i64, 0)
    };
    let dt = dt.ok_or_else(|| DepyError(format!("datetime {obj} is out of range")))?;
    Ok(soc2_core::model::Timestamp::from_datetime(dt).to_string())
}

/// The JSON form of a date, `YYYY-MM-DD` (read through `toordinal()`, as fast as it gets
/// through the stable ABI).
fn date(obj: &Bound<'_, PyAny>) -> Result<String, DepyError> {
    let ordinal: i32 = obj
        .call_method0(intern!(obj.py(), "toordinal"))
        .and_then(|t| t.extract())
        .map_err(py_err)?;
    let d = chrono::NaiveDate::from_num_days_from_ce_opt(ordinal)
        .ok_or_else(|| DepyError(format!("date {obj} is out of range")))?;
    Ok(soc2_core::model::Date(d).to_string())
}

impl<'de> de::Deserializer<'de> for Depy<'_, '_> {
    type Error = DepyError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DepyError> {
        match self.kind()? {
            Kind::None => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Int => {
                if let Ok(i) = self.obj.extract::<i64>() {
                    visitor.visit_i64(i)
                } else if let Ok(u) = self.obj.extract::<u64>() {
                    visitor.visit_u64(u)
                } else {
                    Err(DepyError(format!("integer {} is out of range", self.obj)))
                }
            }
            Kind::Float(f) => visitor.visit_f64(f),
            Kind::Str(s) => visitor.visit_str(&s),
            Kind::Seq(items) => visitor.visit_seq(Seq { items: items.into_iter() }),
            Kind::Dict(d) => visitor.visit_map(DictMap::new(&d)?),
            Kind::Model { fields, tag: Some(tag), variant_only: true } => {
                visitor.visit_map(Tagged { tag: Some(tag), fields: Some(fields) })
            }
            Kind::Model { fields, .. } => visitor.visit_map(Fields::new(fields)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DepyError> {
        if self.obj.is_none() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DepyError> {
        match self.kind()? {
            Kind::Str(s) => visitor.visit_enum(s.to_string().into_deserializer()),
            Kind::Model { fields, tag: Some(tag), .. } => visitor
                .visit_enum(Variant { tag: tag.to_owned(), content: Content::Fields(fields) }),
            Kind::Dict(d) if d.len() == 1 => {
                let (k, v) = d.iter().next().ok_or_else(|| DepyError("empty map".into()))?;
                let tag = text(k.cast::<PyString>().map_err(py_err)?)?.to_string();
                visitor.visit_enum(Variant { tag, content: Content::Value(v) })
            }
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct Seq<'py> {
    items: std::vec::IntoIter<Bound<'py, PyAny>>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = DepyError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DepyError> {
        match self.items.next() {
            Some(item) => seed.deserialize(Depy { obj: &item }).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a dict (keys must be strings).
struct DictMap<'py> {
    items: std::vec::IntoIter<(String, Bound<'py, PyAny>)>,
    value: Option<Bound<'py, PyAny>>,
}

impl<'py> DictMap<'py> {
    fn new(d: &Bound<'py, PyDict>) -> Result<Self, DepyError> {
        let mut items = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| DepyError(format!("map key {k} is not a string")))?;
            items.push((text(key)?.to_string(), v));
        }
        Ok(DictMap { items: items.into_iter(), value: None })
    }
}

impl<'de> de::MapAccess<'de> for DictMap<'_> {
    type Error = DepyError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DepyError> {
        match self.items.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DepyError> {
        let v = self.value.take().ok_or_else(|| DepyError("value without a key".into()))?;
        seed.deserialize(Depy { obj: &v })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The fields of a model object, as a map.
struct Fields<'py> {
    items: std::vec::IntoIter<(&'static str, Bound<'py, PyAny>)>,
    value: Option<Bound<'py, PyAny>>,
}

impl<'py> Fields<'py> {
    fn new(fields: Vec<(&'static str, Bound<'py, PyAny>)>) -> Self {
        Fields { items: fields.into_iter(), value: None }
    }
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = DepyError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DepyError> {
        match self.items.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(de::value::StrDeserializer::<DepyError>::new(k)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DepyError> {
        let v = self.value.take().ok_or_else(|| DepyError("value without a key".into()))?;
        seed.deserialize(Depy { obj: &v })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A variant-only model object read as a map: `{tag: fields}`.
struct Tagged<'py> {
    tag: Option<&'static str>,
    fields: Option<Vec<(&'static str, Bound<'py, PyAny>)>>,
}

impl<'de> de::MapAccess<'de> for Tagged<'_> {
    type Error = DepyError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DepyError> {
        match self.tag.take() {
            Some(tag) => {
                seed.deserialize(de::value::StrDeserializer::<DepyError>::new(tag)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DepyError> {
        let fields = self.fields.take().ok_or_else(|| DepyError("value without a key".into()))?;
        seed.deserialize(FieldsDeserializer(fields))
    }
}

/// The fields of a model object, as a value (the content of a variant).
struct FieldsDeserializer<'py>(Vec<(&'static str, Bound<'py, PyAny>)>);

impl<'de> de::Deserializer<'de> for FieldsDeserializer<'_> {
    type Error = DepyError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DepyError> {
        visitor.visit_map(Fields::new(self.0))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

enum Content<'py> {
    /// A model object's fields.
    Fields(Vec<(&'static str, Bound<'py, PyAny>)>),
    /// The value of a one-entry dict.
    Value(Bound<'py, PyAny>),
}

struct Variant<'py> {
    tag: String,
    content: Content<'py>,
}

impl<'de, 'py> de::EnumAccess<'de> for Variant<'py> {
    type Error = DepyError;
    type Variant = Self;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DepyError> {
        let tag = seed.deserialize(self.tag.as_str().into_deserializer())?;
        Ok((tag, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_> {
    type Error = DepyError;

    fn unit_variant(self) -> Result<(), DepyError> {
        Err(DepyError(format!("variant {} takes no value", self.tag)))
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DepyError> {
        match self.content {
            Content::Fields(fields) => seed.deserialize(FieldsDeserializer(fields)),
            Content::Value(v) => seed.deserialize(Depy { obj: &v }),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DepyError> {
        match self.content {
            Content::Value(v) => de::Deserializer::deserialize_any(Depy { obj: &v }, visitor),
            Content::Fields(_) => Err(DepyError(format!("variant {} is not a tuple", self.tag))),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DepyError> {
        match self.content {
            Content::Fields(fields) => visitor.visit_map(Fields::new(fields)),
            Content::Value(v) => de::Deserializer::deserialize_any(Depy { obj: &v }, visitor),
        }
    }
}
