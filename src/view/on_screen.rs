//! Which of the page's sections below the picture a person can see. The
//! log table, the applied commands, the message diagram and the event log
//! sit under the cluster picture; on a laptop's screen they are out of
//! view while the person watches the picture. A section out of view is not
//! drawn again until it comes back (its change key is held:
//! [`super::versions::drawn`]), as the browser skips painting what is off
//! screen: at 1280×900 and 5 servers, the running page's work per frame at
//! p95 went from 4.1 to 5.2 ms to 3.0 to 3.7 ms (README, "drawn only while
//! in view").
//!
//! The page learns what is in view from an `IntersectionObserver`
//! (`ui::on_screen`); until it says otherwise, everything counts as in
//! view, so a page without one (or a test) draws everything.

/// A section below the picture that is drawn only while in view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// The log table.
    LogTable,
    /// What each node delivered, in order.
    Applied,
    /// The message diagram.
    Diagram,
    /// The event log.
    EventLog,
}

impl Section {
    /// Every section, in the page's order.
    pub const ALL: [Section; 4] = [
        Section::LogTable,
        Section::Applied,
        Section::Diagram,
        Section::EventLog,
    ];

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The sections out of view (none, until the page says so).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnScreen {
    hidden: u8,
}

impl OnScreen {
    /// Whether `section` is in view.
    pub fn shows(self, section: Section) -> bool {
        self.hidden & section.bit() == 0
    }

    /// `section` came into view, or left it.
    pub fn set(&mut self, section: Section, in_view: bool) {
        if in_view {
            self.hidden &= !section.bit();
        } else {
            self.hidden |= section.bit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_counts_as_in_view_until_the_page_says_otherwise() {
        let mut on = OnScreen::default();
        assert!(Section::ALL.iter().all(|&s| on.shows(s)));
        on.set(Section::Diagram, false);
        on.set(Section::EventLog, false);
        let shown: Vec<Section> = Section::ALL.into_iter().filter(|&s| on.shows(s)).collect();
        assert_eq!(shown, [Section::LogTable, Section::Applied]);
        on.set(Section::Diagram, true);
        assert!(on.shows(Section::Diagram) && !on.shows(Section::EventLog));
    }

    /// The page names a section's box by its number, and reads it back
    /// from `ALL` (`ui::on_screen`).
    #[test]
    fn a_sections_number_is_its_place_in_all() {
        for (i, section) in Section::ALL.into_iter().enumerate() {
            assert_eq!(section as usize, i);
        }
    }
}
