//! Every user action is a [`Command`]. Panels push commands; the app runs them at the start of
//! the next frame, each in the feature it belongs to. Actions without arguments describe themselves once (label,
//! tooltip, shortcut): menus, buttons, shortcuts and the help overlay all come from here.

use super::backup::BackupCommand;
use super::browse::BrowseCommand;
use super::clinic::ClinicCommand;
use super::compare::CompareCommand;
use super::compare::align::AlignCommand;
use super::document::DocumentCommand;
use super::faces::FaceCommand;
use super::import::ImportCommand;
use super::inspector::PhotoCommand;
use super::library::LibraryCommand;
use super::measure::MeasureCommand;
use super::overview::PeopleCommand;
use super::prefs::Theme;
use super::record::{PersonCommand, RecordCommand};
use super::secure::SecureCommand;
use super::trash::TrashCommand;
use egui::{Key, KeyboardShortcut, Modifiers};

/// Actions that take no arguments: each has a label, a tooltip and maybe a shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    ImportFiles,
    ImportFolder,
    OpenDemo,
    KeepDemo,
    OpenLibrary,
    Quit,
    About,
    AddPerson,
    SelectAll,
    MoveToTrash,
    Undo,
    Redo,
    ShowTrash,
    EmptyTrash,
    OpenViewer,
    Back,
    NextPhoto,
    PreviousPhoto,
    PhotoAbove,
    PhotoBelow,
    FirstPhoto,
    LastPhoto,
    ZoomIn,
    ZoomOut,
    ZoomFit,
    ZoomActual,
    ToggleSort,
    ToggleHelp,
    Compare,
    SwapSides,
    ModeSideBySide,
    ModeSlider,
    ModeOverlay,
    ModeDifference,
    ModeFlicker,
    ModeSheet,
    ModeAlign,
    ModeMeasure,
    FlipDivider,
    DividerBack,
    DividerForward,
    ToggleLink,
    ExportComparison,
    ToggleFaceRegions,
    ScanFaces,
}

impl Action {
    pub const ALL: &'static [Self] = &[
        Self::ImportFiles,
        Self::ImportFolder,
        Self::OpenDemo,
        Self::KeepDemo,
        Self::OpenLibrary,
        Self::Quit,
        Self::About,
        Self::AddPerson,
        Self::SelectAll,
        Self::MoveToTrash,
        Self::Undo,
        Self::Redo,
        Self::ShowTrash,
        Self::EmptyTrash,
        Self::OpenViewer,
        Self::Back,
        Self::NextPhoto,
        Self::PreviousPhoto,
        Self::PhotoAbove,
        Self::PhotoBelow,
        Self::FirstPhoto,
        Self::LastPhoto,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ZoomFit,
        Self::ZoomActual,
        Self::ToggleSort,
        Self::ToggleHelp,
        Self::Compare,
        Self::SwapSides,
        Self::ModeSideBySide,
        Self::ModeSlider,
        Self::ModeOverlay,
        Self::ModeDifference,
        Self::ModeFlicker,
        Self::ModeSheet,
        Self::ModeAlign,
        Self::ModeMeasure,
        Self::FlipDivider,
        Self::DividerBack,
        Self::DividerForward,
        Self::ToggleLink,
        Self::ExportComparison,
        Self::ToggleFaceRegions,
        Self::ScanFaces,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::ImportFiles => "Import photos…",
            Self::ImportFolder => "Import folder…",
            Self::OpenDemo => "Open demo library",
            Self::KeepDemo => "Keep it as a library…",
            Self::Quit => "Quit",
            Self::About => "About Skinlapse",
            Self::OpenLibrary => "Open library…",
            Self::AddPerson => "Add person",
            Self::SelectAll => "Select all",
            Self::MoveToTrash => "Move to trash",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::ShowTrash => "Trash",
            Self::EmptyTrash => "Empty trash…",
            Self::OpenViewer => "Open viewer",
            Self::Back => "Back to the grid",
            Self::NextPhoto => "Next photo",
            Self::PreviousPhoto => "Previous photo",
            Self::PhotoAbove => "Photo above",
            Self::PhotoBelow => "Photo below",
            Self::FirstPhoto => "First photo",
            Self::LastPhoto => "Last photo",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ZoomFit => "Fit to window",
            Self::ZoomActual => "Actual pixels (1:1)",
            Self::ToggleSort => "Newest / oldest first",
            Self::ToggleHelp => "Keyboard shortcuts",
            Self::Compare => "Compare",
            Self::SwapSides => "Swap A and B",
            Self::ModeSideBySide => "Side by side",
            Self::ModeSlider => "Slider",
            Self::ModeOverlay => "Overlay",
            Self::ModeDifference => "Difference",
            Self::ModeFlicker => "Flicker",
            Self::ModeSheet => "Series sheet",
            Self::ModeAlign => "Align",
            Self::ModeMeasure => "Measure",
            Self::FlipDivider => "Turn the divider",
            Self::DividerBack => "Divider left / up",
            Self::DividerForward => "Divider right / down",
            Self::ToggleLink => "Link both sides",
            Self::ExportComparison => "Export image…",
            Self::ToggleFaceRegions => "Facial regions",
            Self::ScanFaces => "Find faces…",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Self::ImportFiles => "Choose photos to import into the library",
            Self::ImportFolder => "Choose a folder; every photo in it and below is imported",
            Self::OpenDemo => {
                "Generate a demo library with people, series and changing skin, in a temporary folder"
            }
            Self::OpenLibrary => "Open another library folder",
            Self::KeepDemo => {
                "Copy the demo library, with what you changed in it, into a folder of your own and go on there"
            }
            Self::Quit => "Close Skinlapse (everything is saved as you go)",
            Self::About => "Version, licence, where the library is",
            Self::AddPerson => "Add a patient, or yourself",
            Self::SelectAll => "Select every photo in the grid",
            Self::MoveToTrash => "Move the selected photos to the trash (restorable)",
            Self::Undo => "Undo the last change",
            Self::Redo => "Redo what was undone last",
            Self::ShowTrash => "Show the photos in the trash",
            Self::EmptyTrash => "Delete the photos in the trash for good, originals included",
            Self::OpenViewer => "Open the selected photo large",
            Self::Back => "Close the viewer or the comparison",
            Self::NextPhoto => "Next photo in the grid",
            Self::PreviousPhoto => "Previous photo in the grid",
            Self::PhotoAbove => "The photo a row up in the grid",
            Self::PhotoBelow => "The photo a row down in the grid",
            Self::FirstPhoto => "The first photo in the grid",
            Self::LastPhoto => "The last photo in the grid (read to the end first)",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ZoomFit => "Fit the photo to the window",
            Self::ZoomActual => "Show one image pixel per screen pixel",
            Self::ToggleSort => "Sort the grid newest first or oldest first",
            Self::ToggleHelp => "Show or hide this list of shortcuts",
            Self::Compare => {
                "Compare the two selected photos, or the selected photo with its series' baseline"
            }
            Self::SwapSides => "Put A on the B side and B on the A side",
            Self::ModeSideBySide => "A and B next to each other, zoomed and panned together",
            Self::ModeSlider => "One image split at a divider: A before it, B after it",
            Self::ModeOverlay => "B laid over A at a chosen opacity",
            Self::ModeDifference => "Where A and B differ, amplified (black: no change)",
            Self::ModeFlicker => "A and B in turn at a set interval, or B while Space is held",
            Self::ModeSheet => "One photo per session of the series, in date order",
            Self::ModeAlign => {
                "Place matching points on A and B, or auto-align, so the views show skin, not movement"
            }
            Self::ModeMeasure => {
                "Draw a region on A: its colour, ITA°, redness and melanin in A and, through the alignment, in B"
            }
            Self::FlipDivider => "Split left and right, or top and bottom",
            Self::DividerBack => "Move the slider's divider left (or up)",
            Self::DividerForward => "Move the slider's divider right (or down)",
            Self::ToggleLink => "Side by side: zoom and pan both sides together, or one alone",
            Self::ExportComparison => {
                "Save this comparison or the series sheet as a labelled PNG or JPEG"
            }
            Self::ToggleFaceRegions => {
                "Draw the ten facial regions (forehead, cheeks, chin…) from each photo's face landmarks"
            }
            Self::ScanFaces => {
                "Look for a face on every photo not looked at yet (photos imported before faces were found at import)"
            }
        }
    }

    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let (mods, key) = match self {
            Self::ImportFiles => (Modifiers::COMMAND, Key::I),
            Self::ImportFolder => (Modifiers::COMMAND | Modifiers::SHIFT, Key::I),
            Self::OpenLibrary => (Modifiers::COMMAND, Key::O),
            Self::Quit => (Modifiers::COMMAND, Key::Q),
            Self::AddPerson => (Modifiers::COMMAND, Key::N),
            Self::SelectAll => (Modifiers::COMMAND, Key::A),
            Self::MoveToTrash => (Modifiers::NONE, Key::Delete),
            Self::Undo => (Modifiers::COMMAND, Key::Z),
            Self::Redo => (Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
            Self::OpenViewer => (Modifiers::NONE, Key::Enter),
            Self::Back => (Modifiers::NONE, Key::Escape),
            Self::NextPhoto => (Modifiers::NONE, Key::ArrowRight),
            Self::PreviousPhoto => (Modifiers::NONE, Key::ArrowLeft),
            Self::PhotoAbove => (Modifiers::NONE, Key::ArrowUp),
            Self::PhotoBelow => (Modifiers::NONE, Key::ArrowDown),
            Self::FirstPhoto => (Modifiers::NONE, Key::Home),
            Self::LastPhoto => (Modifiers::NONE, Key::End),
            Self::ZoomIn => (Modifiers::NONE, Key::Plus),
            Self::ZoomOut => (Modifiers::NONE, Key::Minus),
            Self::ZoomFit => (Modifiers::NONE, Key::Num0),
            Self::ZoomActual => (Modifiers::NONE, Key::Num1),
            Self::ToggleHelp => (Modifiers::NONE, Key::F1),
            Self::Compare => (Modifiers::NONE, Key::C),
            Self::SwapSides => (Modifiers::NONE, Key::X),
            Self::ModeSideBySide => (Modifiers::NONE, Key::S),
            Self::ModeSlider => (Modifiers::NONE, Key::W),
            Self::ModeOverlay => (Modifiers::NONE, Key::O),
            Self::ModeDifference => (Modifiers::NONE, Key::D),
            Self::ModeFlicker => (Modifiers::NONE, Key::F),
            Self::ModeSheet => (Modifiers::NONE, Key::G),
            Self::ModeAlign => (Modifiers::NONE, Key::M),
            Self::ModeMeasure => (Modifiers::NONE, Key::R),
            Self::FlipDivider => (Modifiers::NONE, Key::H),
            Self::DividerBack => (Modifiers::NONE, Key::OpenBracket),
            Self::DividerForward => (Modifiers::NONE, Key::CloseBracket),
            Self::ToggleLink => (Modifiers::NONE, Key::L),
            Self::ExportComparison => (Modifiers::COMMAND, Key::E),
            Self::ToggleFaceRegions => (Modifiers::SHIFT, Key::R),
            Self::OpenDemo
            | Self::KeepDemo
            | Self::About
            | Self::ShowTrash
            | Self::EmptyTrash
            | Self::ToggleSort
            | Self::ScanFaces => return None,
        };
        Some(KeyboardShortcut::new(mods, key))
    }
}

/// Declares [`Command`]: an action, one variant per feature's command enum (each converts
/// into a `Command`), and the few commands of the app itself.
macro_rules! commands {
    (
        features { $($(#[$doc:meta])* $variant:ident($from:ty),)+ }
        own { $($(#[$own_doc:meta])* $own:ident($own_arg:ty),)+ }
    ) => {
        /// Everything the app can be asked to do: an action, or a command of one feature
        /// (each feature's module defines its commands and runs them).
        #[derive(Clone, Debug, PartialEq)]
        pub enum Command {
            $($(#[$doc])* $variant($from),)+
            $($(#[$own_doc])* $own($own_arg),)+
        }

        $(impl From<$from> for Command {
            fn from(command: $from) -> Self {
                Self::$variant(command)
            }
        })+
    };
}

commands! {
    features {
        Action(Action),
        Library(LibraryCommand),
        People(PeopleCommand),
        Browse(BrowseCommand),
        /// Edits of the selected photos (the inspector).
        Photos(PhotoCommand),
        Trash(TrashCommand),
        Import(ImportCommand),
        Compare(CompareCommand),
        /// The series page.
        Record(RecordCommand),
        /// The person record window.
        Person(PersonCommand),
        /// Regions, measurements, reference cards.
        Measure(MeasureCommand),
        /// The PDF report and the time-lapse.
        Document(DocumentCommand),
        /// The encrypted library's lock and passphrase.
        Secure(SecureCommand),
        /// A clinic library's sign-in, sign-out and password.
        Clinic(ClinicCommand),
        Backup(BackupCommand),
        /// The face scan.
        Faces(FaceCommand),
    }
    own {
        DismissNotice(usize),
        SetTheme(Theme),
    }
}

impl From<AlignCommand> for Command {
    fn from(command: AlignCommand) -> Self {
        Self::Compare(CompareCommand::Align(command))
    }
}

/// Where panels put the commands they produce.
pub type Commands = Vec<Command>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            if let Some(s) = a.shortcut() {
                assert!(
                    seen.insert((s.modifiers.command, s.modifiers.shift, s.logical_key)),
                    "{a:?}"
                );
            }
            assert!(!a.label().is_empty() && !a.tooltip().is_empty());
        }
    }
}
