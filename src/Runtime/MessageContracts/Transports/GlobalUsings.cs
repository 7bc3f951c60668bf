// The transport seam's types are used throughout the core.
global using MessageContracts.Transports;
