//! An RFC 8785 (JCS) serialiser that writes canonical bytes straight from any
//! `Serialize` value, checking the rules soc2 hashes by as it goes.
//!
//! Going through `serde_json::Value` first (as the reference implementations do) costs
//! an allocation per key and value and was half of the time the ledger spends verifying
//! a record. Here values are written in place; each object's members are written as
//! they come and then reordered once, by the UTF-16 code units of their keys as RFC 8785
//! requires. Tests check the output against `serde_json_canonicalizer`.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

use crate::model::MAX_SAFE_INTEGER;

/// A value the serialiser refused, with the path to it, innermost segment first.
#[derive(Debug)]
pub(crate) struct CanonicalError {
    pub(crate) reversed_path: Vec<PathSegment>,
    pub(crate) reason: String,
}

#[derive(Debug)]
pub(crate) enum PathSegment {
    Key(String),
    Index(usize),
}

impl CanonicalError {
    fn new(reason: String) -> Self {
        CanonicalError { reversed_path: Vec::new(), reason }
    }

    fn at(mut self, seg: PathSegment) -> Self {
        self.reversed_path.push(seg);
        self
    }

    /// The path in the spelling used elsewhere: `a.b[1].c`.
    pub(crate) fn path(&self) -> String {
        let mut path = String::new();
        for seg in self.reversed_path.iter().rev() {
            match seg {
                PathSegment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                PathSegment::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        path
    }
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for CanonicalError {}

impl ser::Error for CanonicalError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        CanonicalError::new(msg.to_string())
    }
}

type Result<T = (), E = CanonicalError> = std::result::Result<T, E>;

/// Writes `value` canonically to `out`.
pub(crate) fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result {
    value.serialize(Canonical { out })
}

struct Canonical<'a> {
    out: &'a mut Vec<u8>,
}

fn check_int(fits: bool, v: impl fmt::Display) -> Result {
    if fits {
        Ok(())
    } else {
        Err(CanonicalError::new(format!("integer {v} is outside ±(2^53 - 1)")))
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) -> Result {
    if !super::is_nfc(s) {
        return Err(CanonicalError::new("string is not in Unicode NFC".into()));
    }
    super::write_canonical_str(s, out);
    Ok(())
}

impl<'a> ser::Serializer for Canonical<'a> {
    type Ok = ();
    type Error = CanonicalError;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        check_int(v.unsigned_abs() <= MAX_SAFE_INTEGER, v)?;
        // Integers in the safe range print the same in ECMAScript and Rust.
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        check_int(v.unsigned_abs() <= u128::from(MAX_SAFE_INTEGER), v)?;
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        check_int(v <= MAX_SAFE_INTEGER, v)?;
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        check_int(v <= u128::from(MAX_SAFE_INTEGER), v)?;
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result {
        Err(CanonicalError::new(format!("floating-point number {v} is not allowed")))
    }

    fn serialize_char(self, v: char) -> Result {
        write_str(v.encode_utf8(&mut [0; 4]), self.out)
    }
    fn serialize_str(self, v: &str) -> Result {
        write_str(v, self.out)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        // As serde_json does: an array of numbers.
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        write_str(variant, self.out)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.out.push(b'{');
        write_str(variant, self.out)?;
        self.out.push(b':');
        value
            .serialize(Canonical { out: self.out })
            .map_err(|e| e.at(PathSegment::Key(variant.to_owned())))?;
        self.out.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>> {
        self.out.push(b'[');
        Ok(Array { out: self.out, index: 0, variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Array<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'a>> {
        self.out.push(b'{');
        write_str(variant, self.out)?;
        self.out.extend_from_slice(b":[");
        Ok(Array { out: self.out, index: 0, variant: Some(variant) })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>> {
        Ok(Object::new(self.out, None))
    }
    fn serialize_struct(self, _: &'static str, _len: usize) -> Result<Object<'a>> {
        Ok(Object::new(self.out, None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a>> {
        self.out.push(b'{');
        write_str(variant, self.out)?;
        self.out.push(b':');
        Ok(Object::new(self.out, Some(variant)))
    }
}

/// An array being written; `variant` wraps it as `{"variant":[...]}`.
struct Array<'a> {
    out: &'a mut Vec<u8>,
    index: usize,
    variant: Option<&'static str>,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        if self.index > 0 {
            self.out.push(b',');
        }
        let i = self.index;
        self.index += 1;
        value
            .serialize(Canonical { out: self.out })
            .map_err(|e| self.wrap(e.at(PathSegment::Index(i))))
    }

    fn wrap(&self, e: CanonicalError) -> CanonicalError {
        match self.variant {
            Some(v) => e.at(PathSegment::Key(v.to_owned())),
            None => e,
        }
    }

    fn finish(self) -> Result {
        self.out.push(b']');
        if self.variant.is_some() {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Array<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// An object being written. Members are appended to `out` as `"key":value` in the
/// order they come; `end` puts them in canonical order, with commas, in one pass.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    /// Where the first member starts (just after `{`).
    start: usize,
    /// Each member's key and byte range in `out`.
    members: Vec<(Key, usize, usize)>,
    /// A map key waiting for its value.
    pending: Option<String>,
    variant: Option<&'static str>,
}

enum Key {
    Static(&'static str),
    Owned(String),
}

impl Key {
    fn as_str(&self) -> &str {
        match self {
            Key::Static(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'a> Object<'a> {
    fn new(out: &'a mut Vec<u8>, variant: Option<&'static str>) -> Self {
        out.push(b'{');
        let start = out.len();
        Object { out, start, members: Vec::new(), pending: None, variant }
    }

    fn wrap(&self, e: CanonicalError) -> CanonicalError {
        match self.variant {
            Some(v) => e.at(PathSegment::Key(v.to_owned())),
            None => e,
        }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result {
        let begin = self.out.len();
        let written = write_str(key.as_str(), self.out)
            .and_then(|()| {
                self.out.push(b':');
                value.serialize(Canonical { out: self.out })
            })
            .map_err(|e| e.at(PathSegment::Key(key.as_str().to_owned())));
        if let Err(e) = written {
            return Err(self.wrap(e));
        }
        self.members.push((key, begin, self.out.len()));
        Ok(())
    }

    fn finish(mut self) -> Result {
        // RFC 8785 orders members by the UTF-16 code units of their keys; for keys
        // without characters beyond the BMP that is plain byte order.
        let astral = self.members.iter().any(|(k, ..)| k.as_str().bytes().any(|b| b >= 0xF0));
        if astral {
            self.members
                .sort_by(|a, b| a.0.as_str().encode_utf16().cmp(b.0.as_str().encode_utf16()));
        } else {
            self.members.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        }
        if let Some(w) = self.members.windows(2).find(|w| w[0].0.as_str() == w[1].0.as_str()) {
            let e = CanonicalError::new("duplicate key".into())
                .at(PathSegment::Key(w[0].0.as_str().to_owned()));
            return Err(self.wrap(e));
        }
        let body = self.out.split_off(self.start);
        for (i, (_, begin, end)) in self.members.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&body[begin - self.start..end - self.start]);
        }
        self.out.push(b'}');
        if self.variant.is_some() {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.pending = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        let key = self
            .pending
            .take()
            .ok_or_else(|| CanonicalError::new("map value without a key".into()))?;
        self.member(Key::Owned(key), value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.member(Key::Static(key), value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.member(Key::Static(key), value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// Map keys must be strings (or what serde_json also writes as strings: unit variants
/// and newtypes around strings).
struct MapKey;

fn key_error() -> CanonicalError {
    CanonicalError::new("map key is not a string".into())
}

impl ser::Serializer for MapKey {
    type Ok = String;
    type Error = CanonicalError;
    type SerializeSeq = Impossible<String, CanonicalError>;
    type SerializeTuple = Impossible<String, CanonicalError>;
    type SerializeTupleStruct = Impossible<String, CanonicalError>;
    type SerializeTupleVariant = Impossible<String, CanonicalError>;
    type SerializeMap = Impossible<String, CanonicalError>;
    type SerializeStruct = Impossible<String, CanonicalError>;
    type SerializeStructVariant = Impossible<String, CanonicalError>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<String> {
        Err(key_error())
    }
    fn serialize_i8(self, _: i8) -> Result<String> {
        Err(key_error())
    }
    fn serialize_i16(self, _: i16) -> Result<String> {
        Err(key_error())
    }
    fn serialize_i32(self, _: i32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_i64(self, _: i64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_u8(self, _: u8) -> Result<String> {
        Err(key_error())
    }
    fn serialize_u16(self, _: u16) -> Result<String> {
        Err(key_error())
    }
    fn serialize_u32(self, _: u32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_u64(self, _: u64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String> {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}
