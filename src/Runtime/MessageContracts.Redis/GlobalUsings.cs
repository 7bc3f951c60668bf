// The transport seam's types are used throughout the package.
global using MessageContracts.Transports;
