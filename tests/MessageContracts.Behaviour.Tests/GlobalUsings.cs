global using MessageContracts;
global using Xunit;
