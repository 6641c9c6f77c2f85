using ContactSync.Domain.Contacts;

namespace ContactSync.Providers;

/// <summary>
/// What a provider can represent and how it batches. Sync rule 6: a value the provider cannot hold is never
/// cleared in the CRM because the provider lacks it; the engine compares a CRM contact with a provider
/// contact only on <see cref="Retainable"/> content.
/// </summary>
public sealed record ProviderCapabilities(
    int MaxBatchCreate,
    int MaxBatchUpdate,
    int MaxBatchDelete,
    int? MaxContacts,
    Func<ContactFields, ContactFields> RetainableProjection)
{
    /// <summary>The part of <paramref name="fields"/> that survives a round trip through the provider
    /// (CRM → provider → CRM gives exactly this).</summary>
    public ContactFields Retainable(ContactFields fields) => RetainableProjection(fields);
}
