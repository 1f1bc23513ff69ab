//! Choosing where to train: a real GPU through wgpu when there is one, else burn's pure-Rust
//! `flex` CPU backend.

use burn::tensor::{Device, DeviceKind};

use crate::EngineError;

pub use aar_review_schemas::vocab::{Backend, DeviceChoice};

/// Resolves a device choice against the adapters this machine has.
pub fn resolve(choice: DeviceChoice) -> Result<ComputeDevice, EngineError> {
    match choice {
        DeviceChoice::Cpu => Ok(ComputeDevice::cpu(choice)),
        DeviceChoice::Auto => {
            Ok(pick_adapter(false).map_or_else(|| ComputeDevice::cpu(choice), |a| a.into_device(choice)))
        }
        DeviceChoice::Gpu => pick_adapter(true).map(|a| a.into_device(choice)).ok_or_else(|| {
            EngineError::NoGpu(
                "wgpu found no adapter; is a Vulkan driver (e.g. mesa-vulkan-drivers) installed?".into(),
            )
        }),
    }
}

/// A resolved device and what to call it in reports.
#[derive(Debug, Clone)]
pub struct ComputeDevice {
    pub device: Device,
    pub requested: DeviceChoice,
    /// `flex` or `wgpu`.
    pub backend: Backend,
    pub adapter: String,
}

impl ComputeDevice {
    fn cpu(requested: DeviceChoice) -> ComputeDevice {
        ComputeDevice {
            device: Device::flex(),
            requested,
            backend: Backend::Flex,
            adapter: "CPU (burn flex)".into(),
        }
    }
}

struct Adapter {
    kind: DeviceKind,
    description: String,
}

impl Adapter {
    fn into_device(self, requested: DeviceChoice) -> ComputeDevice {
        ComputeDevice {
            device: Device::wgpu(self.kind),
            requested,
            backend: Backend::Wgpu,
            adapter: self.description,
        }
    }
}

/// The adapter burn's wgpu backend will come up on for the kind we pick: kinds are indexed per
/// device type, as cubecl-wgpu indexes them. Hardware GPUs first; software adapters (lavapipe)
/// only when `allow_software`.
fn pick_adapter(allow_software: bool) -> Option<Adapter> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
    let infos: Vec<wgpu::AdapterInfo> = adapters.iter().map(wgpu::Adapter::get_info).collect();
    let mut preference = vec![
        (wgpu::DeviceType::DiscreteGpu, DeviceKind::DiscreteGpu(0)),
        (wgpu::DeviceType::IntegratedGpu, DeviceKind::IntegratedGpu(0)),
        (wgpu::DeviceType::VirtualGpu, DeviceKind::VirtualGpu(0)),
    ];
    if allow_software {
        preference.push((wgpu::DeviceType::Cpu, DeviceKind::Cpu));
    }
    preference.into_iter().find_map(|(wanted, kind)| {
        infos.iter().find(|info| info.device_type == wanted).map(|info| Adapter {
            kind,
            description: format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type),
        })
    })
}
