//! Values between rusqlite's conversion layer and PostgreSQL's wire format: a parameter is
//! the SQLite value `ToSql` gives, sent as the type the prepared statement expects; a column
//! is read back as the `ValueRef` SQLite would have given, for `FromSql`.

use bytes::{BufMut as _, BytesMut};
use postgres::types::{IsNull, Type, to_sql_checked};
use rusqlite::types::{FromSqlError, ToSql, ToSqlOutput, Value, ValueRef};

/// A PostgreSQL column as the bytes the server sent.
struct Raw<'a>(&'a [u8]);

impl<'a> postgres::types::FromSql<'a> for Raw<'a> {
    fn from_sql(
        _ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

fn fixed<const N: usize>(raw: &[u8]) -> rusqlite::Result<[u8; N]> {
    raw.try_into().map_err(|_| {
        rusqlite::Error::ToSqlConversionFailure("a short value from the server".into())
    })
}

/// Column `idx` of a PostgreSQL row as SQLite would have given it.
pub(super) fn pg_value(row: &postgres::Row, idx: usize) -> rusqlite::Result<ValueRef<'_>> {
    let ty = row
        .columns()
        .get(idx)
        .ok_or(rusqlite::Error::InvalidColumnIndex(idx))?
        .type_()
        .clone();
    let raw: Option<Raw<'_>> = row.try_get(idx).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Null, e.into())
    })?;
    let Some(Raw(raw)) = raw else {
        return Ok(ValueRef::Null);
    };
    Ok(match ty {
        Type::BOOL => ValueRef::Integer(i64::from(raw.first().is_some_and(|b| *b != 0))),
        Type::INT2 => ValueRef::Integer(i16::from_be_bytes(fixed(raw)?).into()),
        Type::INT4 => ValueRef::Integer(i32::from_be_bytes(fixed(raw)?).into()),
        Type::INT8 => ValueRef::Integer(i64::from_be_bytes(fixed(raw)?)),
        Type::OID => ValueRef::Integer(u32::from_be_bytes(fixed(raw)?).into()),
        Type::FLOAT4 => ValueRef::Real(f32::from_be_bytes(fixed(raw)?).into()),
        Type::FLOAT8 => ValueRef::Real(f64::from_be_bytes(fixed(raw)?)),
        Type::BYTEA => ValueRef::Blob(raw),
        Type::JSONB => ValueRef::Text(raw.get(1..).unwrap_or_default()),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
            ValueRef::Text(raw)
        }
        other => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Null,
                format!("column {idx} has type {other}, which the catalogue does not read: cast it in the SQL").into(),
            ));
        }
    })
}

pub(super) fn from_sql_error(idx: usize, value: ValueRef<'_>, e: FromSqlError) -> rusqlite::Error {
    match e {
        FromSqlError::InvalidType => {
            rusqlite::Error::InvalidColumnType(idx, format!("column {idx}"), value.data_type())
        }
        FromSqlError::OutOfRange(i) => rusqlite::Error::IntegralValueOutOfRange(idx, i),
        FromSqlError::Other(e) => {
            rusqlite::Error::FromSqlConversionFailure(idx, value.data_type(), e)
        }
        other => rusqlite::Error::FromSqlConversionFailure(idx, value.data_type(), Box::new(other)),
    }
}

/// A parameter for PostgreSQL: the SQLite value `ToSql` gave, sent as the type the prepared
/// statement expects (SQLite's dynamic typing, checked by the server instead).
#[derive(Debug)]
pub(super) struct PgParam(pub(super) Value);

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl postgres::types::ToSql for PgParam {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let mismatch = || -> BoxError { format!("{:?} cannot be sent as {ty}", self.0).into() };
        match &self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::BOOL => out.put_u8(u8::from(*i != 0)),
                Type::INT2 => out.put_i16(i16::try_from(*i)?),
                Type::INT4 => out.put_i32(i32::try_from(*i)?),
                Type::INT8 => out.put_i64(*i),
                Type::FLOAT4 => out.put_f32(*i as f32),
                Type::FLOAT8 => out.put_f64(*i as f64),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    out.put_slice(i.to_string().as_bytes());
                }
                _ => return Err(mismatch()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => out.put_f32(*f as f32),
                Type::FLOAT8 => out.put_f64(*f),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => {
                    out.put_slice(f.to_string().as_bytes());
                }
                _ => return Err(mismatch()),
            },
            Value::Text(s) => match *ty {
                Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::UNKNOWN
                | Type::JSON => {
                    out.put_slice(s.as_bytes());
                }
                Type::JSONB => {
                    out.put_u8(1);
                    out.put_slice(s.as_bytes());
                }
                Type::INT8 => out.put_i64(s.parse()?),
                Type::INT4 => out.put_i32(s.parse()?),
                _ => return Err(mismatch()),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => out.put_slice(b),
                _ => return Err(mismatch()),
            },
        }
        Ok(IsNull::No)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

pub(super) fn owned(p: &dyn ToSql) -> rusqlite::Result<Value> {
    Ok(match p.to_sql()? {
        ToSqlOutput::Borrowed(v) => match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        },
        ToSqlOutput::Owned(v) => v,
        _ => {
            return Err(rusqlite::Error::ToSqlConversionFailure(
                "a parameter kind PostgreSQL does not take".into(),
            ));
        }
    })
}
