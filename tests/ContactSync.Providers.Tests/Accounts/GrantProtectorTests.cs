using System.Security.Cryptography;
using ContactSync.Domain.Accounts;
using ContactSync.Providers.Accounts;
using Microsoft.Extensions.Options;

namespace ContactSync.Providers.Tests.Accounts;

public sealed class GrantProtectorTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly Guid _account = Guid.CreateVersion7();

    private static GrantProtector Protector(string current, params (string Id, string Key)[] keys) =>
        new(Options.Create(new GrantKeyOptions { Current = current, Keys = keys.ToDictionary(k => k.Id, k => k.Key) }));

    [Fact]
    public void A_sealed_grant_opens_with_its_key_and_does_not_contain_the_token()
    {
        var protector = Protector("a", ("a", KeyA));
        var sealedGrant = protector.Seal("1//0g-refresh-token", _account);
        Assert.Equal("a", sealedGrant.KeyId);
        Assert.DoesNotContain("refresh", sealedGrant.Ciphertext);
        Assert.NotEqual(sealedGrant, protector.Seal("1//0g-refresh-token", _account));
        Assert.Equal("1//0g-refresh-token", protector.Unseal(sealedGrant, _account));
    }

    [Fact]
    public void After_a_key_rotation_old_grants_still_open_and_new_ones_use_the_new_key()
    {
        var old = Protector("a", ("a", KeyA)).Seal("token-1", _account);
        var rotated = Protector("b", ("a", KeyA), ("b", KeyB));
        Assert.Equal("token-1", rotated.Unseal(old, _account));
        Assert.Equal("b", rotated.Seal("token-2", _account).KeyId);
    }

    [Fact]
    public void An_altered_grant_a_grant_of_another_account_or_an_unknown_key_does_not_open()
    {
        var protector = Protector("a", ("a", KeyA));
        var sealedGrant = protector.Seal("token", _account);
        var bytes = Convert.FromBase64String(sealedGrant.Ciphertext);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unseal(sealedGrant with { Ciphertext = Convert.ToBase64String(bytes) }, _account));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unseal(sealedGrant, Guid.CreateVersion7()));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unseal(new SealedSecret("gone", sealedGrant.Ciphertext), _account));
    }

    [Theory]
    [InlineData(null, null, "Current is required")]
    [InlineData("a", null, "Keys:a is missing")]
    [InlineData("a", "c2hvcnQ=", "exactly 32 bytes")]
    [InlineData("a", "not base64!", "exactly 32 bytes")]
    public void Key_configuration_without_a_usable_current_key_is_refused(string? current, string? key, string message)
    {
        var options = new GrantKeyOptions { Current = current };
        if (key is not null) options.Keys["a"] = key;
        var result = new GrantKeyOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }
}
