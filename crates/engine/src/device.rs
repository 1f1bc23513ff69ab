//! Choosing where to train: a real GPU through wgpu when there is one, else burn's pure-Rust
//! `flex` CPU backend.

use burn::tensor::{Device, DeviceKind};

use crate::EngineError;

/// What the user asked for (`--device auto|gpu|cpu`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    /// A real GPU (discrete, integrated or virtual) when wgpu finds one, else the CPU.
    Auto,
    /// wgpu on the best adapter it has, even a software one (lavapipe) on a machine without a GPU.
    Gpu,
    /// burn's `flex` backend.
    Cpu,
}

impl DeviceChoice {
    pub fn parse(text: &str) -> Option<DeviceChoice> {
        match text {
            "auto" => Some(DeviceChoice::Auto),
            "gpu" => Some(DeviceChoice::Gpu),
            "cpu" => Some(DeviceChoice::Cpu),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Gpu => "gpu",
            DeviceChoice::Cpu => "cpu",
        }
    }

    /// Resolves the choice against the adapters this machine has.
    pub fn resolve(self) -> Result<ComputeDevice, EngineError> {
        match self {
            DeviceChoice::Cpu => Ok(ComputeDevice::cpu(self)),
            DeviceChoice::Auto => {
                Ok(pick_adapter(false).map_or_else(|| ComputeDevice::cpu(self), |a| a.into_device(self)))
            }
            DeviceChoice::Gpu => pick_adapter(true).map(|a| a.into_device(self)).ok_or_else(|| {
                EngineError::NoGpu(
                    "wgpu found no adapter; is a Vulkan driver (e.g. mesa-vulkan-drivers) installed?".into(),
                )
            }),
        }
    }
}

/// A resolved device and what to call it in reports.
#[derive(Debug, Clone)]
pub struct ComputeDevice {
    pub device: Device,
    pub requested: DeviceChoice,
    /// `flex` or `wgpu`.
    pub backend: &'static str,
    pub adapter: String,
}

impl ComputeDevice {
    fn cpu(requested: DeviceChoice) -> ComputeDevice {
        ComputeDevice {
            device: Device::flex(),
            requested,
            backend: "flex",
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
            backend: "wgpu",
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
