//! The wizard's region: the tenant's own, or its secondary from the copy there (a
//! contract addition, offered only when the source reports regions).

use super::super::super::App;
use super::super::Screen;
use super::Field;
use crate::domain::region::CrossCopy;
use crate::domain::restore::RestoreMode;

impl App {
    /// The secondary region of the tenant at `i` when its own is down and it has a usable
    /// copy there, and the source can restore across regions.
    pub(super) fn copy_region_if_down(&self, i: usize) -> Option<String> {
        let regions = self.fleet.regions();
        let tenant = self.fleet.tenant(i);
        regions.down(&tenant.region)?;
        match CrossCopy::of(tenant, regions) {
            CrossCopy::Usable { region, .. } if regions.cross_region_offered() => {
                Some(region.to_string())
            }
            _ => None,
        }
    }

    /// `Ctrl-R`: the tenant's own region, or its secondary region from its copy there; said
    /// in words when it cannot be (no regions from this source, a Standard tenant).
    pub(super) fn toggle_region(&mut self) {
        let Some(Screen::Wizard(wizard)) = self.screens.last() else {
            return;
        };
        let tenant = self
            .fleet
            .position(&wizard.tenant)
            .map(|i| self.fleet.tenant(i));
        let regions = self.fleet.regions();
        let choice = match (&wizard.region, tenant) {
            (Some(_), _) => Ok(None),
            (None, None) => Err("this tenant is no longer in the fleet".to_string()),
            (None, Some(t)) => match (regions.not_offered(), &t.secondary_region) {
                (Some(why), _) => Err(format!("no restore across regions: {why}")),
                (None, None) => Err(format!(
                    "{} has no cross-region copy ({}): it can only be restored in {}",
                    t.slug,
                    t.tier.label(),
                    t.region
                )),
                (None, Some(secondary)) if regions.down(secondary).is_some() => {
                    Err(format!("{secondary}, where its copies are, is down"))
                }
                (None, Some(secondary)) => Ok(Some(secondary.clone())),
            },
        };
        let Some(Screen::Wizard(wizard)) = self.screens.last_mut() else {
            return;
        };
        match choice {
            Ok(region) => {
                wizard.region = region.map(String::from);
                wizard.picked = None;
                wizard.problem = None;
                if wizard.region.is_some() {
                    wizard.mode = RestoreMode::NewSpoke;
                    if wizard.field == Field::Confirm && !wizard.is_drill() {
                        wizard.field = Field::Ticket;
                    }
                }
            }
            Err(why) => wizard.problem = Some(why),
        }
    }

    /// Why nothing can be restored where the wizard points: its region is down (and what
    /// can be done instead).
    pub(super) fn region_refused(
        &self,
        tenant: &crate::domain::Tenant,
        wizard: &super::WizardScreen,
    ) -> Option<String> {
        let region = wizard.region.as_deref().unwrap_or(&tenant.region);
        let down = self.fleet.regions().down(region)?;
        let what = match CrossCopy::of(tenant, self.fleet.regions()) {
            CrossCopy::Usable { region, .. } if wizard.region.is_none() => {
                format!("restore it in {region} from its copy (Ctrl-R)")
            }
            _ => "it comes back with the region".to_string(),
        };
        Some(format!(
            "{} is down: nothing can be restored into it; {what}",
            down.name
        ))
    }
}
