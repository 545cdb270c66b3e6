//! How model types are stored: ids as integers, enums as their stable keys.

use crate::model::card::CardKind;
use crate::model::clinical::{
    ConsentScope, Contraindication, DeviceKind, GradeScale, SideEffectKind,
};
use crate::model::{
    AlignMethod, ContentHash, GradeId, Keyed, Lighting, PersonId, PhotoFormat, PhotoId, RegionId,
    SeriesId, SeriesStatus, SessionId, SessionKind, SideEffectId, TermId, TimeSource, View,
};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_id {
    ($($id:ident),+) => {$(
        impl ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }
        impl FromSql for $id {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map(Self)
            }
        }
    )+};
}
sql_id!(
    PersonId,
    SeriesId,
    SessionId,
    PhotoId,
    TermId,
    RegionId,
    GradeId,
    SideEffectId
);

macro_rules! sql_keyed {
    ($($ty:ident),+) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.key()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.key() == text)
                    .ok_or_else(|| FromSqlError::Other(format!("unknown {} {text:?}", $ty::WHAT).into()))
            }
        }
    )+};
}
sql_keyed!(
    View,
    Lighting,
    SessionKind,
    SeriesStatus,
    AlignMethod,
    DeviceKind,
    GradeScale,
    SideEffectKind,
    Contraindication,
    ConsentScope,
    CardKind,
    TimeSource
);

impl ToSql for PhotoFormat {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.key()))
    }
}

impl FromSql for PhotoFormat {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        PhotoFormat::from_key(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown format {text:?}").into()))
    }
}

impl ToSql for ContentHash {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for ContentHash {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        ContentHash::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("bad hash {text:?}").into()))
    }
}
