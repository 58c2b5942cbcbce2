//! Codes for the strict zip reader and writer's errors. The archive code has no SOC 2
//! knowledge (it is its own crate), so its errors are classified here, for bundles.

use crate::bundle::archive::ArchiveError;

use super::{Classify, ErrorCode, Subject};

impl Classify for ArchiveError {
    fn code(&self) -> ErrorCode {
        use ArchiveError as A;
        match self {
            A::Io { .. } => ErrorCode::ArchiveIo,
            A::Zip { .. } | A::Compress { .. } | A::WriterPoisoned { .. } | A::Sink { .. } => {
                ErrorCode::ArchiveWriter
            }
            A::Input { .. } | A::ReaderPoisoned { .. } => ErrorCode::ArchiveInput,
            A::InputTooShort { .. } | A::InputTooLong { .. } => ErrorCode::ArchiveInputSize,
            A::NotSorted { .. } => ErrorCode::ArchiveNotSorted,
            A::EmptyName
            | A::DirectoryEntry { .. }
            | A::ParentTraversal { .. }
            | A::AbsolutePath { .. }
            | A::NonCanonicalPath { .. }
            | A::Backslash { .. }
            | A::NulInName { .. }
            | A::ControlCharacter { .. }
            | A::NotNfc { .. }
            | A::NameNotUtf8 { .. }
            | A::Utf8FlagMissing { .. } => ErrorCode::ArchiveBadName,
            A::DuplicateName { .. }
            | A::NormalizationCollision { .. }
            | A::CaseCollision { .. }
            | A::PathConflict { .. } => ErrorCode::ArchiveNameCollision,
            A::MissingEndRecord => ErrorCode::ArchiveNotZip,
            A::ArchiveComment { .. }
            | A::TrailingData { .. }
            | A::PrependedData { .. }
            | A::HiddenData { .. }
            | A::OverlappingEntries { .. }
            | A::EntryOverlapsCentralDirectory { .. }
            | A::CentralDirectoryOutOfBounds { .. }
            | A::GapBeforeEndRecord { .. }
            | A::EntryCountMismatch { .. }
            | A::Malformed { .. }
            | A::NonCanonicalField { .. } => ErrorCode::ArchiveLayout,
            A::MultiDisk { .. }
            | A::Encrypted { .. }
            | A::DataDescriptor { .. }
            | A::UnsupportedFlags { .. }
            | A::UnsupportedMethod { .. }
            | A::UnicodePathExtraField { .. }
            | A::ForbiddenExtraField { .. }
            | A::EntryComment { .. } => ErrorCode::ArchiveUnsupported,
            A::LocalHeaderMismatch { .. } => ErrorCode::ArchiveHeaderMismatch,
            A::Symlink { .. } | A::NotRegularFile { .. } => ErrorCode::ArchiveNotRegularFile,
            A::TooManyEntries { .. }
            | A::CentralDirectoryTooLarge { .. }
            | A::EntryTooLarge { .. }
            | A::TotalSizeTooLarge { .. }
            | A::CompressionRatio { .. } => ErrorCode::ArchiveTooLarge,
            A::NoSuchMember { .. } => ErrorCode::ArchiveNoSuchMember,
            A::StoredSizeMismatch { .. }
            | A::ContentTooLong { .. }
            | A::ContentTooShort { .. }
            | A::CrcMismatch { .. }
            | A::CompressedSizeMismatch { .. }
            | A::CorruptDeflate { .. } => ErrorCode::ArchiveContentMismatch,
            // The archive crate may name new constructs before this table does: a zip
            // this reader refuses is still a rejected bundle.
            #[allow(unreachable_patterns)]
            _ => ErrorCode::ArchiveOther,
        }
    }

    fn subject(&self) -> Subject {
        use ArchiveError as A;
        let mut s = Subject { reason: Some(self.to_string()), ..Subject::default() };
        match self {
            A::Io { path, .. } | A::Zip { path, .. } | A::WriterPoisoned { path } => {
                s.path = Some(path.clone());
            }
            A::PathConflict { member, .. } => s.member = Some(member.clone()),
            A::HiddenData { after, .. } => s.member = after.clone(),
            A::NonCanonicalField { name, .. } => s.member = name.clone(),
            A::Compress { name, .. }
            | A::DirectoryEntry { name }
            | A::ParentTraversal { name }
            | A::AbsolutePath { name }
            | A::NonCanonicalPath { name }
            | A::Backslash { name }
            | A::NulInName { name }
            | A::ControlCharacter { name }
            | A::NotNfc { name }
            | A::NameNotUtf8 { name }
            | A::Utf8FlagMissing { name }
            | A::DuplicateName { name }
            | A::NormalizationCollision { name, .. }
            | A::CaseCollision { name, .. }
            | A::NotSorted { name, .. }
            | A::InputTooShort { name, .. }
            | A::InputTooLong { name, .. }
            | A::Input { name, .. }
            | A::OverlappingEntries { name, .. }
            | A::EntryOverlapsCentralDirectory { name }
            | A::Encrypted { name }
            | A::DataDescriptor { name }
            | A::UnsupportedFlags { name, .. }
            | A::UnsupportedMethod { name, .. }
            | A::UnicodePathExtraField { name, .. }
            | A::ForbiddenExtraField { name, .. }
            | A::EntryComment { name }
            | A::LocalHeaderMismatch { name, .. }
            | A::Symlink { name }
            | A::NotRegularFile { name, .. }
            | A::StoredSizeMismatch { name, .. }
            | A::EntryTooLarge { name, .. }
            | A::CompressionRatio { name, .. }
            | A::NoSuchMember { name }
            | A::ContentTooLong { name, .. }
            | A::ContentTooShort { name, .. }
            | A::CrcMismatch { name, .. }
            | A::CompressedSizeMismatch { name, .. }
            | A::CorruptDeflate { name, .. }
            | A::Sink { name, .. }
            | A::ReaderPoisoned { name } => s.member = Some(name.clone()),
            _ => {}
        }
        s
    }

    fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            ArchiveError::Io { source, .. }
            | ArchiveError::Input { source, .. }
            | ArchiveError::Sink { source, .. } => Some(source),
            _ => None,
        }
    }
}
